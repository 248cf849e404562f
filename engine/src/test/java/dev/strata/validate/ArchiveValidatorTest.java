package dev.strata.validate;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive forms: a sound archive passes, a spoilt one fails naming what is wrong. */
class ArchiveValidatorTest {
  @TempDir Path dir;

  @Test
  void ociArchive() throws IOException {
    Path good = dir.resolve("good");
    new ImageValidatorTest.ImageWriter().write(Files.createDirectories(good));
    ArchiveValidator.assertValidOciArchive(tar(good, dir.resolve("good.tar")));

    Path bad = dir.resolve("bad");
    ImageValidatorTest.ImageWriter w = new ImageValidatorTest.ImageWriter();
    w.wrongDiffId = true;
    w.write(Files.createDirectories(bad));
    AssertionError e =
        assertThrows(
            AssertionError.class,
            () -> ArchiveValidator.assertValidOciArchive(tar(bad, dir.resolve("bad.tar"))));
    assertTrue(e.getMessage().contains("diff_ids[0] is"), e.getMessage());
  }

  @Test
  void dockerArchive() throws IOException {
    byte[] layer = "not really a tar, but bytes to hash".getBytes(StandardCharsets.UTF_8);
    Digest diffId = Digest.sha256(layer);
    ArchiveValidator.assertValidDockerArchive(dockerArchive("good", layer, diffId, 1));

    AssertionError wrongId =
        assertThrows(
            AssertionError.class,
            () ->
                ArchiveValidator.assertValidDockerArchive(
                    dockerArchive("id", layer, Digest.sha256(new byte[0]), 1)));
    assertTrue(wrongId.getMessage().contains("diff_ids[0] is"), wrongId.getMessage());
    AssertionError history =
        assertThrows(
            AssertionError.class,
            () -> ArchiveValidator.assertValidDockerArchive(dockerArchive("h", layer, diffId, 2)));
    assertTrue(history.getMessage().contains("2 history entries"), history.getMessage());
  }

  /** docker save's shape: manifest.json, {@code <id>.json}, {@code <dir>/layer.tar}. */
  private Path dockerArchive(String name, byte[] layer, Digest diffId, int historyEntries)
      throws IOException {
    Path d = Files.createDirectories(dir.resolve(name));
    String history =
        String.join(
            ",",
            List.of("{\"created_by\":\"x\"}", "{\"created_by\":\"y\"}").subList(0, historyEntries));
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + diffId
                + "\"]},\"history\":["
                + history
                + "]}")
            .getBytes(StandardCharsets.UTF_8);
    String configName = Digest.sha256(config).hex() + ".json";
    Files.write(d.resolve(configName), config);
    Files.createDirectories(d.resolve("l1"));
    Files.write(d.resolve("l1/layer.tar"), layer);
    Files.writeString(
        d.resolve("manifest.json"),
        "[{\"Config\":\""
            + configName
            + "\",\"RepoTags\":[\"x:1\"],\"Layers\":[\"l1/layer.tar\"]}]");
    return tar(d, dir.resolve(name + ".tar"));
  }

  private static Path tar(Path from, Path to) throws IOException {
    try (OutputStream out = Files.newOutputStream(to);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out, "UTF-8");
        Stream<Path> files = Files.walk(from)) {
      for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
        TarArchiveEntry e = new TarArchiveEntry(from.relativize(p).toString());
        e.setSize(Files.size(p));
        tar.putArchiveEntry(e);
        Files.copy(p, tar);
        tar.closeArchiveEntry();
      }
    }
    return to;
  }
}
