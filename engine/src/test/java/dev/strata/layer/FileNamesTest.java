package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.layer.FileNames.FileNameException;
import dev.strata.nshelper.JvmLocale;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Names from directory listings: UTF-8 ones come back as text, others are refused by name. Files
 * with arbitrary bytes in their names are made through file: URIs, which java.nio decodes to bytes.
 */
class FileNamesTest {
  @TempDir Path dir;

  @BeforeAll
  static void utf8Jvm() {
    // The poms run tests under LC_ALL=C.UTF-8, as bin/strata runs Strata.
    assertEquals(
        StandardCharsets.UTF_8,
        JvmLocale.fileNameCharset(),
        "this JVM reads file names as "
            + JvmLocale.fileNameCharset()
            + "; run it under LC_ALL=C.UTF-8");
  }

  @Test
  void utf8Names_comeBackAsText() throws Exception {
    List<String> names = List.of("Főtanúsítvány.pem", "日本語.txt", "😀.txt", "\uFFFD", "plain");
    for (String n : names) {
      Files.createFile(dir.resolve(n));
    }
    List<String> got = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        got.add(FileNames.nameOf(p, ""));
      }
    }
    got.sort(null);
    assertEquals(names.stream().sorted().toList(), got);
  }

  @Test
  void nameNotUtf8_isRefusedWithItsBytes() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Path bad = Path.of(URI.create(dir.resolve("sub").toUri() + "x%FE%C3%A9"));
    Files.createFile(bad);
    Path listed;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("sub"))) {
      listed = ds.iterator().next();
    }
    FileNameException e =
        assertThrows(FileNameException.class, () -> FileNames.nameOf(listed, "sub/"));
    assertEquals(
        "file \"sub/x\\xfeé\": name is not valid UTF-8 (Strata keeps file names as UTF-8"
            + " and refuses other bytes rather than rename the file)",
        e.getMessage());
    // the text java.nio gives names another file: this is what the refusal prevents
    assertFalse(Files.exists(dir.resolve("sub").resolve(listed.getFileName().toString())));
  }

  @Test
  void treeWithNamesNotUtf8_isRemoved() throws Exception {
    Path t = dir.resolve("t");
    Path bad = Path.of(URI.create(t.toUri() + "d%FF/"));
    Files.createDirectories(bad);
    Files.createFile(bad.resolve("f"));
    Files.createFile(Path.of(URI.create(t.toUri() + "g%FE")));
    Trees.removeAll(t);
    assertFalse(Files.exists(t));
  }
}
