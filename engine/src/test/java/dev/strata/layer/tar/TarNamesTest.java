package dev.strata.layer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.posix.FileNames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Entry names are bytes: UTF-8 or not, kept byte for byte through reader and writer. */
class TarNamesTest {
  static final List<String> NAMES =
      List.of(
          "etc/ssl/certs/NetLock_Arany_=Class_Gold=_Főtanúsítvány.pem",
          "usr/share/日本語/ファイル.txt",
          "emoji/😀🎉.txt",
          "replacement/\uFFFD-is-a-real-character",
          // over 100 bytes, so the header field holds the name cut mid-character under PAX
          "long/" + "é".repeat(60));

  @Test
  void nonAsciiNames_roundTripByteForByte_throughWriterAndReader() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(bytes)) {
      for (String n : NAMES) {
        w.write(
            new TarEntry(n, TarEntry.SYMLINK, 0777, 0, 0, 0, 1, 0, "../" + n, 0, 0, null), null);
      }
    }
    TarReader r = new TarReader(new ByteArrayInputStream(bytes.toByteArray()));
    List<String> got = new ArrayList<>();
    for (TarEntry e; (e = r.next()) != null; ) {
      got.add(e.name());
      assertEquals("../" + e.name(), e.linkName());
    }
    assertEquals(NAMES, got);
  }

  /** GNU tar (and commons-compress by default) writes a non-ASCII name as raw ustar bytes. */
  @Test
  void rawUtf8InUstarHeader_isRead() throws Exception {
    byte[] tar = ustar(NAMES.get(0).getBytes(StandardCharsets.UTF_8));
    assertEquals(NAMES.get(0), new TarReader(new ByteArrayInputStream(tar)).next().name());
  }

  @ParameterizedTest
  @CsvSource({
    // raw bytes (hex) of the name,       how messages show it
    "64 2f 62 61 64 ff,                   d/bad\\xff",
    // Latin-1 "Főtanúsítvány" bytes (o-double-acute is not Latin-1: f5 is 'õ')
    "46 f5 74 61 6e fa 73 ed 74 76 e1 6e 79, F\\xf5tan\\xfas\\xedtv\\xe1ny",
    // a valid sequence kept, a cut one escaped
    "c3 a9 2f c3,                         é/\\xc3",
    // an encoded surrogate is not UTF-8 either
    "ed a0 80,                            \\xed\\xa0\\x80",
  })
  void nameNotUtf8_isKeptByteForByte(String hex, String shown) throws Exception {
    byte[] name = hex(hex);
    TarEntry e = new TarReader(new ByteArrayInputStream(ustar(name))).next();
    assertArrayEquals(name, FileNames.encode(e.name()));
    assertEquals(shown.replace("\\xx", "\\x"), FileNames.display(e.name()));
    // written again: in a PAX path (with hdrcharset=BINARY, as Python's tarfile writes it) and
    // the ustar field, both the same bytes; read again: the same name
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      w.write(e.withName(e.name()), new ByteArrayInputStream(new byte[0]));
      w.write(new TarEntry("l", TarEntry.SYMLINK, 0777, 0, 0, 0, 1, 0, e.name(), 0, 0, null), null);
    }
    byte[] tar = out.toByteArray();
    String pax = new String(tar, 512, 512, StandardCharsets.ISO_8859_1);
    assertTrue(pax.startsWith("21 hdrcharset=BINARY\n"), pax);
    assertTrue(pax.contains(" path=" + new String(name, StandardCharsets.ISO_8859_1) + "\n"), pax);
    assertArrayEquals(name, Arrays.copyOfRange(tar, 1024, 1024 + name.length)); // ustar name
    TarReader again = new TarReader(new ByteArrayInputStream(tar));
    assertEquals(e.name(), again.next().name());
    assertEquals(e.name(), again.next().linkName());
  }

  /** For UTF-8 names nothing changed: the layers Strata wrote before are written the same. */
  @Test
  void utf8Names_haveNoHdrcharset() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      for (String n : NAMES) {
        w.write(new TarEntry(n, TarEntry.DIR, 0755, 0, 0, 0, 1, 0, "", 0, 0, null), null);
      }
    }
    assertFalse(new String(out.toByteArray(), StandardCharsets.ISO_8859_1).contains("hdrcharset"));
  }

  /**
   * Layers keep their digests: the bytes for these names, links and directories are those the
   * writer gave before names were bytes (golden, from commit 15361e3), the ustar fields under the
   * PAX records included.
   */
  @Test
  void utf8Names_sameBytesAsEver() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      for (String n : NAMES) {
        w.write(
            new TarEntry(n, TarEntry.SYMLINK, 0777, 0, 0, 0, 1, 0, "../" + n, 0, 0, null), null);
        w.write(new TarEntry(n + ".d", TarEntry.DIR, 0755, 0, 0, 0, 1, 0, "", 0, 0, null), null);
      }
    }
    assertEquals(
        "0d98da88e4de3b4216d53573066a5aae5a99a202bbec4cc59f7f346ec5c8f4b9",
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray())));
  }

  @Test
  void decode_keepsValidText() {
    for (String n : NAMES) {
      byte[] b = n.getBytes(StandardCharsets.UTF_8);
      assertEquals(n, FileNames.display(FileNames.decode(b)));
      assertArrayEquals(b, FileNames.encode(FileNames.decode(b)));
    }
  }

  @Test
  void headerNameNotUtf8_underAPaxPath_isNotLookedAt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes)) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      t.setAddPaxHeadersForNonAsciiNames(true);
      TarArchiveEntry e = new TarArchiveEntry(NAMES.get(1));
      t.putArchiveEntry(e);
      t.closeArchiveEntry();
    }
    byte[] tar = bytes.toByteArray();
    TarReader r = new TarReader(new ByteArrayInputStream(tar));
    byte[] got = r.next().name().getBytes(StandardCharsets.UTF_8);
    assertArrayEquals(NAMES.get(1).getBytes(StandardCharsets.UTF_8), got);
  }

  /** A one-entry ustar archive whose name field holds {@code name} as it is. */
  static byte[] ustar(byte[] name) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bytes, "ISO-8859-1")) {
      TarArchiveEntry e = new TarArchiveEntry(new String(name, StandardCharsets.ISO_8859_1));
      t.putArchiveEntry(e);
      t.closeArchiveEntry();
    }
    return bytes.toByteArray();
  }

  static byte[] hex(String s) {
    String[] parts = s.trim().split("\\s+");
    byte[] b = new byte[parts.length];
    for (int i = 0; i < parts.length; i++) {
      b[i] = (byte) Integer.parseInt(parts[i], 16);
    }
    return b;
  }
}
