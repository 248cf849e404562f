package dev.strata.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.layer.tar.TarWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Whether commons-compress (the version in the pom) could carry layers: a file capability is a
 * binary PAX record ({@code SCHILY.xattr.security.capability}, a {@code vfs_cap_data}), and
 * commons-compress gives PAX values only as Java strings, decoded and encoded as UTF-8. These tests
 * pin down what happens to bytes that are not UTF-8 (README "Two tar implementations"): they are
 * replaced on read and cannot be written back. Should a later version keep them, these fail, and
 * the README's reason for the layer path's own tar code is gone.
 */
class CommonsCompressXattrTest {
  private static final String KEY = "SCHILY.xattr.security.capability";

  /**
   * {@code setcap cap_setuid,cap_setgid+ep} (newuidmap's, say): VFS_CAP_REVISION_2 with the
   * effective flag, permitted bits 6 and 7 (byte 0xc0, not UTF-8), nothing inheritable.
   */
  private static final byte[] CAP = {
    0x01, 0x00, 0x00, 0x02, (byte) 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  private static byte[] tarWithCapability() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(bytes)) {
      w.write(
          new TarEntry(
              "usr/bin/newuidmap",
              TarEntry.FILE,
              0755,
              0,
              0,
              0,
              1_700_000_000L,
              0,
              "",
              0,
              0,
              Map.of("security.capability", CAP, "user.note", "plain".getBytes())),
          new ByteArrayInputStream(new byte[0]));
    }
    return bytes.toByteArray();
  }

  private static byte[] capabilityAsStrataReads(byte[] tar) throws Exception {
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    return r.next().xattrs().get("security.capability");
  }

  @Test
  void ownReaderKeepsTheBytes() throws Exception {
    assertArrayEquals(CAP, capabilityAsStrataReads(tarWithCapability()));
  }

  @Test
  void commonsCompressReplacesNonUtf8BytesOnRead() throws Exception {
    try (TarArchiveInputStream in =
        new TarArchiveInputStream(new ByteArrayInputStream(tarWithCapability()))) {
      TarArchiveEntry e = in.getNextEntry();
      assertEquals("plain", e.getExtraPaxHeader("SCHILY.xattr.user.note")); // text survives
      String value = e.getExtraPaxHeader(KEY);
      assertTrue(value.contains("\ufffd"), "0xc0 became U+FFFD: " + value.length() + " chars");
      assertFalse(Arrays.equals(CAP, value.getBytes(StandardCharsets.UTF_8)));
      assertFalse(Arrays.equals(CAP, value.getBytes(StandardCharsets.ISO_8859_1)));
    }
  }

  /**
   * The best a String API allows: one char per byte (ISO-8859-1); written as UTF-8 all the same.
   */
  @Test
  void commonsCompressCannotWriteTheBytes() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry e = new TarArchiveEntry("usr/bin/newuidmap");
      e.addPaxHeader(KEY, new String(CAP, StandardCharsets.ISO_8859_1));
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
    }
    byte[] written = capabilityAsStrataReads(bytes.toByteArray());
    assertEquals(CAP.length + 1, written.length, "0xc0 went out as the two bytes c3 80");
    assertEquals((byte) 0xc3, written[4]);
    assertEquals((byte) 0x80, written[5]);
  }
}
