package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Names are bytes: any byte sequence goes to text and back unchanged; UTF-8 is text as ever. */
class FileNamesTest {
  @TempDir Path dir;

  @Test
  void everySingleByte_roundTrips() {
    for (int b = 0; b < 256; b++) {
      byte[] one = {(byte) b};
      String s = FileNames.decode(one);
      assertArrayEquals(one, FileNames.encode(s), "byte " + b);
      assertEquals(b >= 0x80, FileNames.hasEscapes(s), "byte " + b);
    }
  }

  @ParameterizedTest
  @CsvSource({
    // bytes (hex),   the text shown for them, what the class of sequence is
    "63 61 66 e9,     caf\\xe9,          Latin-1 e-acute: a lead byte with no continuation",
    "63 61 66 c3 a9,  café,              the same in UTF-8: decoded as usual",
    "c0 80,           \\xc0\\x80,        overlong NUL",
    "e0 80 80,        \\xe0\\x80\\x80,   overlong 3-byte",
    "ed a0 80,        \\xed\\xa0\\x80,   an encoded surrogate (CESU-8)",
    "f4 90 80 80,     \\xf4\\x90\\x80\\x80, above U+10FFFF",
    "f0 9f 98 80,     😀,                4-byte UTF-8",
    "e2 82,           \\xe2\\x82,        cut short",
    "e2 82 41,        \\xe2\\x82A,       cut by ASCII",
    "80 bf,           \\x80\\xbf,        lone continuations",
    "f5 ff fe,        \\xf5\\xff\\xfe,   never in UTF-8",
    "c3 a9 c3,        é\\xc3,            a valid sequence kept and a cut one escaped",
    "ef bf bd,        \uFFFD,            a real U+FFFD is text",
    "f0 90 82 80 dc,  \uD800\uDC80\\xdc, U+10080 (its low surrogate is DC80) then a bad byte",
  })
  void sequences_roundTripAndShowEscaped(String hex, String shown, String what) {
    byte[] b = hex(hex);
    String s = FileNames.decode(b);
    assertArrayEquals(b, FileNames.encode(s), what);
    assertEquals(shown, FileNames.display(s), what);
  }

  @Test
  void randomBytes_roundTrip() {
    Random r = new Random(19);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(12)];
      r.nextBytes(b);
      String s = FileNames.decode(b);
      assertArrayEquals(b, FileNames.encode(s));
      assertEquals(s, FileNames.decode(FileNames.encode(s)));
    }
  }

  /** Keys and digests hash names: for UTF-8 they must be what String.getBytes always gave. */
  @Test
  void utf8_isTextAsEver() {
    for (String n : List.of("", "a/b c", "Főtanúsítvány.pem", "日本語/ファイル", "😀🎉", "\uFFFD")) {
      byte[] b = n.getBytes(StandardCharsets.UTF_8);
      assertEquals(n, FileNames.decode(b));
      assertArrayEquals(b, FileNames.encode(n));
      assertFalse(FileNames.hasEscapes(n));
      assertEquals(n, FileNames.display(n));
    }
  }

  @Test
  void pathsOfAnyName_reachTheFileByItsBytes() throws IOException {
    List<byte[]> names =
        List.of(
            hex("63 61 66 e9"),
            hex("ff fe"),
            hex("ed a0 80"),
            "café".getBytes(StandardCharsets.UTF_8));
    List<String> made = new ArrayList<>();
    for (byte[] n : names) {
      String text = FileNames.decode(n);
      Path d = Files.createDirectory(FileNames.resolve(dir, text));
      Path f = FileNames.resolve(d, "x" + text);
      Files.writeString(f, "hi");
      Posix.chmod(f, 0640);
      Posix.lutimes(f, 12345, 0);
      FileStat st = Posix.lstat(f);
      assertEquals(0640, st.permissions());
      assertEquals(12345, st.mtimeSec());
      assertArrayEquals(concat(FileNames.bytes(dir), "/", n, "/x", n), FileNames.bytes(f));
      assertEquals(f, FileNames.path(FileNames.text(f)));
      Path rel = FileNames.path(text + "/x" + text);
      assertFalse(rel.isAbsolute());
      assertEquals(f, dir.resolve(rel));
      made.add(text);
    }
    List<String> listed = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        listed.add(FileNames.name(p));
        assertTrue(Files.isDirectory(FileNames.resolve(dir, FileNames.name(p))));
      }
    }
    listed.sort(null);
    made.sort(null);
    assertEquals(made, listed);
  }

  @Test
  void symlinkTargets_keepTheirBytes() throws IOException {
    String target = FileNames.decode(hex("2e 2e 2f 74 e9 ff"));
    Path link = FileNames.resolve(dir, FileNames.decode(hex("6c e9")));
    Files.createSymbolicLink(link, FileNames.path(target));
    assertEquals(target, FileNames.text(Files.readSymbolicLink(link)));
    assertTrue(Posix.lstat(link).isSymlink());
  }

  private static byte[] concat(Object... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (Object p : parts) {
      out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
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
