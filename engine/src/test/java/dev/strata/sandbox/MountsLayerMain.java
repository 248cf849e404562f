package dev.strata.sandbox;

import dev.strata.layer.Change;
import dev.strata.layer.snapshot.LayerRef;
import dev.strata.layer.snapshot.Snapshot;
import dev.strata.layer.snapshot.Snapshotter;
import dev.strata.nshelper.HelperBinary;
import dev.strata.oci.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Runs a RUN-like step with extra mounts in a busybox snapshot of each snapshotter and prints one
 * line per step and snapshotter: {@code step<TAB>snapshotter<TAB>exit<TAB>changes joined by '|'},
 * the changes a layer would be made of. Started by {@link SandboxMountsLayerTest} in a child JVM
 * under {@code unshare --user --mount}, where the helper's run job works as it does in Strata.
 */
public final class MountsLayerMain {
  private MountsLayerMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    Path tar = Path.of(args[1]);
    Path src = Files.createDirectories(root.resolve("src"));
    Path conf = Files.writeString(root.resolve("app.conf"), "k=v\n");
    HelperBinary helper = HelperBinary.in(root.resolve("nshelper"));
    byte[] layer = Files.readAllBytes(tar);
    List<LayerRef> base =
        List.of(new LayerRef(Digest.sha256(layer), () -> Files.newInputStream(tar)));
    List<SandboxMount> mounts =
        List.of(
            SandboxMount.bind(src, "/usr/share/vol", false), // parent in the lower layer
            SandboxMount.tmpfs("/usr/share/vol/t", OptionalLong.empty()), // made in the source
            SandboxMount.tmpfs("/var/cache/new/deep", OptionalLong.empty()),
            SandboxMount.bind(conf, "/etc/app.conf", true));
    String write =
        "echo a >/usr/share/vol/a && echo t >/usr/share/vol/t/t && echo d >/var/cache/new/deep/d"
            + " && cat /etc/app.conf >/dev/null";
    for (Snapshotter s :
        new Snapshotter[] {
          Snapshotter.overlay(root.resolve("overlay")), Snapshotter.copy(root.resolve("copy"))
        }) {
      step("mounts-only", s, base, helper, mounts, write);
      // The control: the same mounts, and one file in the rootfs itself, which must be seen.
      step("mounts-and-marker", s, base, helper, mounts, write + " && echo m >/marker");
    }
  }

  private static void step(
      String name,
      Snapshotter s,
      List<LayerRef> base,
      HelperBinary helper,
      List<SandboxMount> mounts,
      String script)
      throws Exception {
    try (Snapshot snap = s.prepare(base)) {
      SandboxSpec spec =
          SandboxSpec.of(snap.rootfs(), List.of("sh", "-c", script), List.of()).withMounts(mounts);
      String out;
      int code;
      try (SandboxRunner.Invocation inv = new SandboxRunner(helper).invocation(spec)) {
        Process p = new ProcessBuilder(inv.argv()).redirectErrorStream(true).start();
        out = new String(p.getInputStream().readAllBytes()).replace('\n', ' ');
        code = p.waitFor();
      }
      List<String> changes =
          snap.changes(Set.of()).stream().map(Change::toString).sorted().toList();
      System.out.println(
          name + "\t" + s.name() + "\t" + code + "\t" + String.join("|", changes) + "\t" + out);
    }
  }
}
