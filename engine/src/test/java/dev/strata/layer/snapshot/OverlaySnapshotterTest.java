package dev.strata.layer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.layer.InUserNamespace;
import dev.strata.posix.FileNames;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract on the overlay snapshotter, next to the copy one, in a child JVM started under
 * util-linux {@code unshare} as an unprivileged user would: with one id mapped ({@code
 * --map-root-user}) and with the subuid ranges ({@code --map-auto}). Each scenario must give the
 * expected entries and the same diffID from both snapshotters.
 */
class OverlaySnapshotterTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"--map-root-user", "--map-auto --map-root-user"})
  void overlayAndCopy_giveIdenticalLayers(String mapping) throws Exception {
    if (mapping.contains("--map-auto")) {
      // --map-auto takes the caller's /etc/subuid range; root has none here (scripts/test runs
      // this as strata-test, who has one). Anyone with a range runs it.
      String user = System.getProperty("user.name");
      boolean hasRange =
          java.nio.file.Files.readAllLines(Path.of("/etc/subuid")).stream()
              .anyMatch(l -> l.startsWith(user + ":"));
      org.junit.jupiter.api.Assumptions.assumeTrue(
          hasRange, "no /etc/subuid range for " + user + ": --map-auto cannot be tried");
    }
    String out = InUserNamespace.run(mapping, ContractMain.class, tmp.toString());
    Map<String, String[]> overlay = new HashMap<>();
    Map<String, String[]> copy = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length == 4) {
        (f[1].equals("overlay") ? overlay : copy).put(f[0], f);
      }
    }
    for (SnapshotterContract.Scenario sc : SnapshotterContract.scenarios()) {
      String[] o = overlay.get(sc.name());
      String[] c = copy.get(sc.name());
      assertTrue(o != null && c != null, "no result for " + sc.name() + ":\n" + out);
      List<String> entries = o[3].isEmpty() ? List.of() : List.of(o[3].split("\\|"));
      assertEquals(
          sc.expected().stream().map(FileNames::display).toList(),
          SnapshotterContract.namesAndTypes(entries),
          "overlay, " + sc.name());
      assertEquals(c[3], o[3], "same entries from copy and overlay, " + sc.name());
      assertEquals(c[2], o[2], "same diffID from copy and overlay, " + sc.name());
    }
    assertTrue(overlay.get("chown")[3].contains("home/u/file 0 640 1234:1235"), out);
  }

  /**
   * 80 layers under a long store path: mount(2)'s page of options is too small, so the lower dirs
   * go one by one through the mount API (issue 17's 50-step preset failed at the 27th layer).
   */
  @org.junit.jupiter.api.Test
  void deepStack_mountsLowerDirsOneByOne() throws Exception {
    String out = InUserNamespace.run("--map-root-user", DeepStackMain.class, tmp.toString(), "80");
    int bytes =
        Integer.parseInt(
            out.lines()
                .filter(l -> l.startsWith("optionBytes "))
                .findFirst()
                .orElseThrow(() -> new AssertionError(out))
                .substring(12));
    assertTrue(
        bytes > 4095, "the options must not fit in a page, or the test proves nothing: " + out);
    assertTrue(out.contains("files 81\n"), "80 layers' files and deep/top:\n" + out);
    assertTrue(out.contains("top layer 79"), "the top layer wins:\n" + out);
  }
}
