package dev.strata.layer.snapshot;

import dev.strata.posix.FileNames;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs {@link SnapshotterContract} on both snapshotters and prints one line per scenario and
 * snapshotter: {@code name<TAB>snapshotter<TAB>diffID<TAB>entries joined by '|'}. Started by {@link
 * OverlaySnapshotterTest} in a child JVM under {@code unshare --user --mount}.
 */
public final class ContractMain {
  private ContractMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    for (Snapshotter s :
        new Snapshotter[] {
          Snapshotter.overlay(root.resolve("overlay")), Snapshotter.copy(root.resolve("copy"))
        }) {
      Map<String, SnapshotterContract.Outcome> out = SnapshotterContract.run(s);
      for (Map.Entry<String, SnapshotterContract.Outcome> e : out.entrySet()) {
        System.out.println(
            e.getKey()
                + "\t"
                + s.name()
                + "\t"
                + e.getValue().diffId()
                + "\t"
                // names that are not UTF-8 escaped: stdout would make '?' of their bytes
                + FileNames.display(String.join("|", e.getValue().entries())));
      }
    }
    System.out.println(
        "uid_map\t"
            + java.nio.file.Files.readString(Path.of("/proc/self/uid_map"))
                .trim()
                .replaceAll("\\s+", " "));
  }
}
