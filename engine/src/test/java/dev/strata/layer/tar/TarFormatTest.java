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
      w.write(new TarEntry("d", TarEntry.DIR, 0755, 0, 0, 0, 1_700_000_000L, 0, "", 0, 0, null),
          null);
      byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
      w.write(new TarEntry(LONG, TarEntry.FILE, 04755, 3_000_000, 42, data.length, 1_700_000_001L,
          123_000_000, "", 0, 0, Map.of("security.capability", CAP, "user.k", "v".getBytes())),
          new ByteArrayInputStream(data));
      w.write(new TarEntry("d/l", TarEntry.SYMLINK, 0777, 0, 0, 0, 5, 0, "/" + "t".repeat(200), 0,
          0, null), null);
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
    assertArrayEquals(CAP, f.xattrs().get("security.capability"), "binary xattr kept byte for byte");
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
    EOFException e = assertThrows(EOFException.class, () -> {
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
    TarFormatException e = assertThrows(TarFormatException.class,
        () -> new TarReader(new ByteArrayInputStream(all)).next());
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }
}
