package dev.strata.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Emptying the bench's own scratch directories (never the user's). */
final class Dirs {
  private Dirs() {}

  /** Deletes what {@code dir} holds, keeping (or making) the directory itself. */
  static void empty(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> all;
    try (Stream<Path> s = Files.walk(dir)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path p : all) {
      if (!p.equals(dir)) {
        Files.delete(p);
      }
    }
  }

  /** Copies a tree (files, dirs and symlinks as links). */
  static void copy(Path from, Path to) throws IOException {
    List<Path> all;
    try (Stream<Path> s = Files.walk(from)) {
      all = s.toList();
    }
    for (Path p : all) {
      Path t = to.resolve(from.relativize(p).toString());
      if (Files.isSymbolicLink(p)) {
        Files.createSymbolicLink(t, Files.readSymbolicLink(p));
      } else if (Files.isDirectory(p)) {
        Files.createDirectories(t);
      } else {
        Files.copy(p, t);
      }
    }
  }
}
