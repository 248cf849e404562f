package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.layer.InUserNamespace;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer a RUN with extra mounts would produce, on the overlay and the copy snapshotter: the
 * mount points, their parents and the files written into the mounts are not in it, while a file
 * written into the rootfs is (the control, so the check can fail).
 */
class SandboxMountsLayerTest {
  @TempDir Path tmp;

  @Test
  void mountsLeaveNothingInALayer() throws Exception {
    String out =
        InUserNamespace.run(
            "--map-root-user",
            MountsLayerMain.class,
            tmp.toString(),
            NamespacedRootfs.busyboxTar().toString());
    Map<String, String[]> steps = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.split("\t", -1);
      if (f.length == 5) {
        steps.put(f[0] + "/" + f[1], f);
      }
    }
    for (String snapshotter : new String[] {"overlay", "copy"}) {
      String[] only = steps.get("mounts-only/" + snapshotter);
      String[] marker = steps.get("mounts-and-marker/" + snapshotter);
      assertTrue(only != null && marker != null, "no result for " + snapshotter + ":\n" + out);
      assertEquals("0", only[2], snapshotter + ": " + only[4]);
      assertEquals("", only[3], snapshotter + ": changes of a step that wrote only into mounts");
      assertEquals("0", marker[2], snapshotter + ": " + marker[4]);
      assertTrue(
          marker[3].contains("marker") && !marker[3].contains("usr"),
          snapshotter + ": " + marker[3]);
    }
  }
}
