package dev.strata.layer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

class TarFormatTest {
  static final String LONG = "d/" + "x".repeat(150) + "/" + "y".repeat(120);
  static final byte[] CAP = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private static byte[] sample() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(bytes)) {
      w.write(
          new TarEntry("d", TarEntry.DIR, 0755, 0, 0, 0, 1_700_000_000L, 0, "", 0, 0, null), null);
      byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
      w.write(
          new TarEntry(
              LONG,
              TarEntry.FILE,
              04755,
              3_000_000,
              42,
              data.length,
              1_700_000_001L,
              123_000_000,
              "",
              0,
              0,
              Map.of("security.capability", CAP, "user.k", "v".getBytes())),
          new ByteArrayInputStream(data));
      w.write(
          new TarEntry(
              "d/l", TarEntry.SYMLINK, 0777, 0, 0, 0, 5, 0, "/" + "t".repeat(200), 0, 0, null),
          null);
      w.write(new TarEntry("d/h", TarEntry.HARDLINK, 0755, 0, 0, 0, 5, 0, LONG, 0, 0, null), null);
      w.write(new TarEntry("d/null", TarEntry.CHAR, 0666, 0, 0, 0, 5, 0, "", 1, 3, null), null);
    }
    return bytes.toByteArray();
  }

  @Test
  void writerAndReaderAgree_onPaxFields() throws Exception {
    TarReader r = new TarReader(new ByteArrayInputStream(sample()));
    TarEntry d = r.next();
    assertEquals("d", d.name());
    assertTrue(d.isDirectory());
    TarEntry f = r.next();
    assertEquals(LONG, f.name());
    assertEquals(04755, f.mode());
    assertEquals(3_000_000, f.uid());
    assertEquals(1_700_000_001L, f.mtimeSec());
    assertEquals(123_000_000, f.mtimeNsec());
    assertArrayEquals(
        CAP, f.xattrs().get("security.capability"), "binary xattr kept byte for byte");
    assertEquals("hello", new String(r.content().readAllBytes(), StandardCharsets.UTF_8));
    TarEntry l = r.next();
    assertEquals("/" + "t".repeat(200), l.linkName());
    TarEntry h = r.next();
    assertEquals(TarEntry.HARDLINK, h.type());
    assertEquals(LONG, h.linkName());
    TarEntry c = r.next();
    assertEquals(1, c.devMajor());
    assertEquals(3, c.devMinor());
    assertNull(r.next());
  }

  @Test
  void commonsCompressReadsWhatWeWrite() throws Exception {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(sample()))) {
      assertEquals("d/", in.getNextEntry().getName());
      TarArchiveEntry f = in.getNextEntry();
      assertEquals(LONG, f.getName());
      assertEquals(3_000_000, f.getLongUserId());
      assertEquals(04755, f.getMode() & 07777);
      assertEquals("v", f.getExtraPaxHeader("SCHILY.xattr.user.k"));
    }
  }

  @Test
  void weReadGnuLongNamesFromCommonsCompress() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_GNU);
      out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
      TarArchiveEntry e = new TarArchiveEntry(LONG);
      e.setSize(3);
      e.setUserId(077777777 + 1);
      out.putArchiveEntry(e);
      out.write(new byte[] {1, 2, 3});
      out.closeArchiveEntry();
    }
    TarReader r = new TarReader(new ByteArrayInputStream(bytes.toByteArray()));
    TarEntry e = r.next();
    assertEquals(LONG, e.name());
    assertEquals(077777777 + 1, e.uid());
    assertArrayEquals(new byte[] {1, 2, 3}, r.content().readAllBytes());
  }

  @Test
  void sameEntries_sameBytes() throws Exception {
    assertArrayEquals(sample(), sample());
  }

  @Test
  void truncatedStream_namesTheEntry() throws Exception {
    byte[] all = sample();
    byte[] cut = Arrays.copyOf(all, 512 * 3 + 2); // into the PAX header or the file body
    TarReader r = new TarReader(new ByteArrayInputStream(cut));
    EOFException e =
        assertThrows(
            EOFException.class,
            () -> {
              while (r.next() != null) {
                r.content().readAllBytes();
              }
            });
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void badChecksum_isRefused() throws Exception {
    byte[] all = sample();
    all[0] ^= 1;
    TarFormatException e =
        assertThrows(
            TarFormatException.class, () -> new TarReader(new ByteArrayInputStream(all)).next());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}.{1} -> {2}")
  @org.junit.jupiter.params.provider.CsvSource({
    "1700000000, 0, 1700000000", // whole seconds: no fraction
    "1, 500000000, 1.5", // trailing zeros dropped
    "1, 1, 1.000000001", // leading zeros kept
    "1, 120, 1.00000012",
    "0, 999999999, 0.999999999",
  })
  void paxTime_asGnuTarWritesIt(long sec, int nsec, String expected) {
    assertEquals(expected, TarWriter.paxTime(sec, nsec));
  }

  /** A device number wider than the 7 octal digits keeps its leading digits, as before. */
  @Test
  void wideDeviceNumber_keepsLeadingDigits() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(bytes)) {
      w.write(
          new TarEntry("dev", TarEntry.BLOCK, 0600, 0, 0, 0, 5, 0, "", 0123456701L, 7, null), null);
    }
    byte[] h = Arrays.copyOf(bytes.toByteArray(), 512);
    assertEquals("1234567", new String(h, 329, 7, StandardCharsets.US_ASCII));
    assertEquals("0000007", new String(h, 337, 7, StandardCharsets.US_ASCII));
    assertEquals("0000600", new String(h, 100, 7, StandardCharsets.US_ASCII));
  }
}
