package dev.strata.bench.builder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Makes each base image once, as an oci-archive every builder then pulls from: Strata imports the
 * rootfs tarball ({@code strata import}) into a scratch store and saves it ({@code strata save
 * --format oci}), so all builders start from the very same manifest, config and layer bytes.
 */
public final class BaseArchives {
  private BaseArchives() {}

  /**
   * @param rootfsByName image name (as the Dockerfiles say it) -> rootfs tarball
   * @param dir where the scratch store and the archives go
   */
  public static List<BaseImage> make(Path launcher, Map<String, Path> rootfsByName, Path dir)
      throws IOException, InterruptedException {
    List<BaseImage> out = new ArrayList<>();
    if (rootfsByName.isEmpty()) {
      return out;
    }
    Files.createDirectories(dir);
    Map<String, String> env = ToolEnvironment.make(dir.resolve("env"), dir, dir, "vfs");
    Path store = dir.resolve("store");
    for (Map.Entry<String, Path> b : rootfsByName.entrySet()) {
      if (!Files.isRegularFile(b.getValue())) {
        throw new IOException("base image " + b.getKey() + ": no file " + b.getValue());
      }
      String file = b.getKey().replaceAll("[^A-Za-z0-9_.-]", "_") + ".oci.tar";
      Path archive = dir.resolve(file);
      Tools.output(
          List.of(
              launcher.toString(),
              "--root",
              store.toString(),
              "import",
              b.getValue().toString(),
              b.getKey()),
          env);
      Tools.output(
          List.of(
              launcher.toString(),
              "--root",
              store.toString(),
              "save",
              b.getKey(),
              "-o",
              archive.toString(),
              "--format",
              "oci"),
          env);
      out.add(new BaseImage(b.getKey(), archive));
    }
    return out;
  }
}
