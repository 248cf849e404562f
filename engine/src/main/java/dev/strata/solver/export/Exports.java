package dev.strata.solver.export;

import dev.strata.archive.ArchiveFormat;
import dev.strata.oci.Digest;
import dev.strata.registry.RegistryOptions;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildOutput;
import dev.strata.solver.BuildTools;
import dev.strata.solver.IoErrorText;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A build's {@code --output}s: the exporter of each type. Files are written as soon as the image is
 * stored; registry pushes go last, after the cache export, as the build's last network work.
 */
public final class Exports {
  private final BuildTools tools;
  private final RegistryOptions registry;

  /**
   * @param registry how type=registry reaches a registry (null: none may be pushed to)
   */
  public Exports(BuildTools tools, RegistryOptions registry) {
    this.tools = tools;
    this.registry = registry;
  }

  /** Every output but type=registry; a failure names the output and the file. */
  public void writeFiles(List<BuildOutput> outputs, StoredImage image) {
    for (BuildOutput o : outputs) {
      if (o.type().equals("registry")) {
        continue;
      }
      try {
        exporter(o).export(image, o);
      } catch (IOException e) {
        throw new BuildException(
            "--output type="
                + o.type()
                + ": cannot write "
                + o.dest()
                + ": "
                + IoErrorText.reason(e),
            e);
      }
    }
  }

  /**
   * The type=registry outputs; a failure is the registry client's error, naming the action. Gives
   * the digest of the manifest last pushed, if any (what buildx reports as containerimage.digest).
   */
  public Optional<Digest> push(List<BuildOutput> outputs, StoredImage image) throws IOException {
    Digest pushed = null;
    for (BuildOutput o : outputs) {
      if (o.type().equals("registry")) {
        pushed = ((RegistryExporter) exporter(o)).push(image, o).digest();
      }
    }
    return Optional.ofNullable(pushed);
  }

  private Exporter exporter(BuildOutput o) {
    return switch (o.type()) {
      case "oci" -> new OciLayoutExporter(tools.store());
      case "oci-archive" -> new ArchiveExporter(tools.store(), ArchiveFormat.OCI);
      case "docker-archive" -> new ArchiveExporter(tools.store(), ArchiveFormat.DOCKER);
      case "local" -> new LocalExporter(tools.store(), tools.snapshotter(), tools.progress());
      case "registry" -> {
        if (registry == null) {
          throw new BuildException("--output type=registry: this build has no registry client");
        }
        yield new RegistryExporter(tools.store(), registry, tools.progress());
      }
      default -> throw new BuildException("--output type=" + o.type() + " is not supported");
    };
  }
}
