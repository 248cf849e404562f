package dev.strata.validate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@link ImageValidator} for archives: an oci-archive (an OCI layout in a tar) and a docker-archive
 * ({@code docker save}'s tar), extracted to a scratch directory and checked there.
 */
public final class ArchiveValidator {
  private ArchiveValidator() {}

  /** Fails, listing every problem, unless every image of the oci-archive {@code tar} is sound. */
  public static void assertValidOciArchive(Path tar) {
    List<String> problems = extracted(tar, ImageValidator::problems);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "oci-archive "
              + tar
              + " is not valid ("
              + problems.size()
              + "):\n  "
              + String.join("\n  ", problems));
    }
  }

  /**
   * Fails, listing every problem, unless every image of the docker-archive {@code tar} is sound.
   */
  public static void assertValidDockerArchive(Path tar) {
    List<String> problems = extracted(tar, ImageValidator::dockerSaveProblems);
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "docker-archive "
              + tar
              + " is not valid ("
              + problems.size()
              + "):\n  "
              + String.join("\n  ", problems));
    }
  }

  private static List<String> extracted(Path tar, Function<Path, List<String>> check) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("strata-validate");
      extract(tar, dir);
      return check.apply(dir);
    } catch (IOException e) {
      return List.of(tar + ": cannot extract: " + e);
    } finally {
      if (dir != null) {
        delete(dir);
      }
    }
  }

  /** Regular files and directories only; a name that leaves {@code dir} is an error. */
  private static void extract(Path tar, Path dir) throws IOException {
    try (InputStream raw = Files.newInputStream(tar);
        TarArchiveInputStream in = new TarArchiveInputStream(raw, "UTF-8")) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        Path to = dir.resolve(e.getName()).normalize();
        if (!to.startsWith(dir)) {
          throw new IOException("entry " + e.getName() + " leaves the archive");
        }
        if (e.isDirectory()) {
          Files.createDirectories(to);
        } else if (e.isFile()) {
          Files.createDirectories(to.getParent());
          Files.copy(in, to);
        }
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
