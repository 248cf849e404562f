package dev.strata.layer.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Digest;
import dev.strata.posix.Posix;
import dev.strata.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnpackedLayersTest {
  @TempDir Path layers;

  static Digest d(String s) {
    return Digest.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private Path unpacked(String kind, Digest id, int bytes) throws IOException {
    Path dir = Files.createDirectories(layers.resolve(kind).resolve(id.hex()).resolve("etc"));
    Files.write(dir.resolve("f"), new byte[bytes]);
    Files.createLink(dir.resolve("hardlink"), dir.resolve("f")); // counted once
    return dir.getParent();
  }

  @Test
  void keepsWhatAnImageStandsOn_dropsTheRest_countingBytes() throws IOException {
    Digest a = d("a");
    Digest b = d("b");
    Digest gone = d("gone");
    Path keptLayer = unpacked("layers/sha256", a, 10);
    Path keptTop = unpacked("layers/sha256", b, 10);
    Path goneLayer = unpacked("layers/sha256", gone, 1000);
    Path keptChain =
        unpacked("chains", CopySnapshotter.chainId(CopySnapshotter.chainId(null, a), b), 10);
    Path keptBase = unpacked("chains", a, 10); // ChainID(L0) = DiffID(L0)
    Path goneChain = unpacked("chains", CopySnapshotter.chainId(a, gone), 500);
    Posix.chmod(goneChain.resolve("etc"), 0500); // read-only dirs go too
    assertTrue(UnpackedLayers.any(layers));

    Store.Freed f = UnpackedLayers.prune(layers, List.of(List.of(a, b)), layers.resolve("tmp"));

    assertEquals(2, f.count());
    assertEquals(1500, f.bytes());
    for (Path p : List.of(keptLayer, keptTop, keptChain, keptBase)) {
      assertTrue(Files.exists(p.resolve("etc/f")), p + " is one an image stands on");
    }
    assertFalse(Files.exists(goneLayer));
    assertFalse(Files.exists(goneChain));
    try (var l = Files.list(layers.resolve("tmp"))) {
      assertEquals(0, l.count(), "nothing left in tmp/");
    }
  }

  @Test
  void nothingLive_dropsEverything_andAnyAfterSaysSo() throws IOException {
    unpacked("layers/sha256", d("x"), 1);
    unpacked("chains", d("y"), 1);
    assertEquals(2, UnpackedLayers.prune(layers, List.of(), layers.resolve("tmp")).count());
    assertFalse(UnpackedLayers.any(layers));
    assertEquals(0, UnpackedLayers.prune(layers, List.of(), layers.resolve("tmp")).count());
  }

  @Test
  void anEmptyOrMissingLayersDir_hasNothing() throws IOException {
    assertFalse(UnpackedLayers.any(layers.resolve("none")));
    assertEquals(
        Store.Freed.NOTHING,
        UnpackedLayers.prune(layers.resolve("none"), List.of(), layers.resolve("tmp")));
  }
}
