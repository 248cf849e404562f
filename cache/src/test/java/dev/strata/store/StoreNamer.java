package dev.strata.store;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** A process that writes N small images and names them PREFIX-i; run twice at once. */
public final class StoreNamer {
  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String prefix = args[1];
    int n = Integer.parseInt(args[2]);
    try (Store s = Store.open(root)) {
      for (int i = 0; i < n; i++) {
        try (AutoCloseable w = s.beginWrite()) {
          Descriptor md = StoreNamer.image(s, prefix + "-" + i);
          s.tag(md, prefix + "-" + i);
          s.tag(md, "shared:latest"); // both processes move one name back and forth
        }
      }
    }
  }

  static Descriptor image(Store s, String label) throws Exception {
    byte[] layer = label.getBytes();
    Digest l = s.blobs().writeBytes(layer);
    ImageConfig c =
        ImageConfig.empty(new Platform("linux", "amd64", null), Instant.EPOCH)
            .withLayer(Digest.sha256(layer), Instant.EPOCH, label, null);
    byte[] cb = c.bytes();
    Digest cd = s.blobs().writeBytes(cb);
    Manifest m =
        Manifest.oci(
            new Descriptor(MediaType.OCI_CONFIG, cd, cb.length),
            List.of(new Descriptor(MediaType.OCI_LAYER, l, layer.length)));
    byte[] mb = m.bytes();
    return new Descriptor(MediaType.OCI_MANIFEST, s.blobs().writeBytes(mb), mb.length);
  }
}
