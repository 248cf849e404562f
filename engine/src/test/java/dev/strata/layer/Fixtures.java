package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test fixtures from the directory the {@code strata.fixtures} system property names. */
final class Fixtures {
  private Fixtures() {}

  /** The fixture file; a missing one fails the test naming it (scripts/test makes them). */
  static Path require(String name) {
    String dir = System.getProperty("strata.fixtures", "/var/tmp/strata-fixtures");
    Path p = Path.of(dir, name);
    if (!Files.isRegularFile(p)) {
      fail(
          "missing test fixture "
              + p
              + ": run scripts/fixtures/make-busybox.sh "
              + dir
              + " (scripts/test does it)");
    }
    return p;
  }

  /** The listing GNU tar gives of a tar file, one sorted line per entry, root entry dropped. */
  static java.util.List<String> tarListing(Path tar) throws Exception {
    Process p =
        new ProcessBuilder("tar", "--numeric-owner", "--full-time", "-tvf", tar.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      fail("tar -tvf " + tar + ": " + out);
    }
    java.util.List<String> lines = new java.util.ArrayList<>();
    for (String line : out.split("\n")) {
      String l = line.replaceAll(" +", " ").replace(" ./", " ");
      l = l.replaceAll("/$", "").replace(" link to ./", " link to ");
      if (l.isBlank() || nameOf(l).isBlank() || nameOf(l).equals(".")) {
        continue;
      }
      lines.add(l);
    }
    lines.sort(java.util.Comparator.comparing(Fixtures::nameOf));
    return lines;
  }

  private static String nameOf(String listingLine) {
    // mode owner size date time name...
    String[] f = listingLine.split(" ", 6);
    return f.length == 6 ? f[5] : listingLine;
  }
}
