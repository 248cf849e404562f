package dev.strata.solver.run;

import dev.strata.layer.LayerException;
import dev.strata.layer.RootReader;
import dev.strata.layer.RootResolver;
import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.file.Path;

/** Where a bind or cache mount's {@code source} is, inside the tree it is taken from. */
final class MountSource {
  private MountSource() {}

  /**
   * {@code path} resolved inside {@code root} as if it were / (links cannot lead out), by the same
   * reader as COPY's sources: the context's, stage's or image's symlinks, the last one included
   * (BuildKit's bind mount follows the source inside its root too).
   */
  static Path inside(Path root, String path, String what) throws IOException {
    try {
      RootResolver.clean(path);
    } catch (LayerException e) {
      throw new BuildException("--mount source=" + path + ": climbs out of " + what);
    }
    String found;
    try (RootReader r = new RootReader(root, RootReader.NONE)) {
      found = r.find(path, true);
    } catch (LayerException e) {
      throw new BuildException("--mount source: " + e.getMessage() + " in " + what);
    }
    if (found == null) {
      throw new BuildException("--mount source=" + path + ": not found in " + what);
    }
    return found.isEmpty() ? root : root.resolve(found);
  }
}
