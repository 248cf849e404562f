package dev.strata.layer.snapshot;

import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarWriter;
import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A snapshot over {@code args[1]} layers, each adding {@code deep/NNN}, under a store whose path is
 * long enough that their lower dirs do not fit in one page of mount options. Prints {@code
 * optionBytes N}, then {@code files N} and {@code top T} as the overlay rootfs shows them. Started
 * by {@link OverlaySnapshotterTest} under {@code unshare --user --mount}.
 */
public final class DeepStackMain {
  private DeepStackMain() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0], "a-store-path-as-long-as-a-ci-runner-s-builds-dir-".repeat(2));
    int n = Integer.parseInt(args[1]);
    List<LayerRef> layers = new ArrayList<>();
    List<Path> lowers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] tar = layer(i);
      Digest d = Digest.sha256(tar);
      layers.add(new LayerRef(d, () -> new ByteArrayInputStream(tar)));
      lowers.add(root.resolve("layers/sha256").resolve(d.hex()));
    }
    int bytes =
        OverlaySnapshotter.options(lowers, root.resolve("upper"), root.resolve("work"), true)
            .length();
    System.out.println("optionBytes " + bytes);
    try (Snapshot snap = Snapshotter.overlay(root).prepare(layers)) {
      try (var files = Files.list(snap.rootfs().resolve("deep"))) {
        System.out.println("files " + files.count());
      }
      System.out.println("top " + Files.readString(snap.rootfs().resolve("deep/top")));
      Files.writeString(snap.rootfs().resolve("deep/new"), "written");
    }
  }

  private static byte[] layer(int i) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter w = new TarWriter(out)) {
      w.write(new TarEntry("deep", TarEntry.DIR, 0755, 0, 0, 0, 0, 0, "", 0, 0, null), null);
      file(w, String.format("deep/%03d", i), "layer " + i);
      file(w, "deep/top", "layer " + i); // each layer hides the one below
    }
    return out.toByteArray();
  }

  private static void file(TarWriter w, String name, String content) throws Exception {
    byte[] b = content.getBytes(StandardCharsets.UTF_8);
    w.write(
        new TarEntry(name, TarEntry.FILE, 0644, 0, 0, b.length, 0, 0, "", 0, 0, null),
        new ByteArrayInputStream(b));
  }
}
