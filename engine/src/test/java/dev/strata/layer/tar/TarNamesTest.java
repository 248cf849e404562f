package dev.strata.layer.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Entry names are UTF-8 text, kept byte for byte, and other bytes are refused by name. */
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
    // raw bytes (hex) of the name,       what the error shows
    "64 2f 62 61 64 ff,                   d/bad\\xff",
    // Latin-1 "Főtanúsítvány" bytes (o-double-acute is not Latin-1: f5 is 'õ')
    "46 f5 74 61 6e fa 73 ed 74 76 e1 6e 79, F\\xf5tan\\xfas\\xedtv\\xe1ny",
    // a valid sequence kept, a cut one escaped
    "c3 a9 2f c3,                         é/\\xc3",
    // an encoded surrogate is not UTF-8 either
    "ed a0 80,                            \\xed\\xa0\\x80",
  })
  void nameNotUtf8_isRefusedNamingTheEntry(String hex, String shown) throws Exception {
    byte[] name = hex(hex);
    TarReader r = new TarReader(new ByteArrayInputStream(ustar(name)));
    EntryNameException e = assertThrows(EntryNameException.class, r::next);
    assertEquals(
        "tar entry \""
            + shown
            + "\": name is not valid UTF-8 (Strata keeps file names as UTF-8"
            + " and refuses other bytes rather than rename the file)",
        e.getMessage());
    assertEquals(Optional.empty(), Utf8Names.decode(name, 0, name.length));
    assertEquals(shown, Utf8Names.escape(name));
  }

  @Test
  void escape_keepsValidText() {
    for (String n : NAMES) {
      byte[] b = n.getBytes(StandardCharsets.UTF_8);
      assertEquals(n, Utf8Names.escape(b));
      assertEquals(Optional.of(n), Utf8Names.decode(b, 0, b.length));
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
