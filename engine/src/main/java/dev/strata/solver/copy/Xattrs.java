package dev.strata.solver.copy;

import dev.strata.layer.Ownership;
import dev.strata.layer.RootReader;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/** A copied file's extended attributes. */
final class Xattrs {
  private Xattrs() {}

  /**
   * Copies the xattrs of {@code src} (read through {@code reader}) onto {@code dst}, as the JDK's
   * copy with COPY_ATTRIBUTES kept them; never our own bookkeeping ones. One that cannot be set is
   * a warning.
   */
  static void copy(RootReader reader, String src, Path dst, Consumer<String> warn)
      throws IOException {
    for (String x : Posix.llistxattr(reader.at(src))) {
      if (Ownership.isInternalXattr(x)) {
        continue;
      }
      byte[] v = Posix.lgetxattr(reader.at(src), x);
      if (v != null) {
        try {
          Posix.lsetxattr(dst, x, v);
        } catch (PosixException e) {
          warn.accept("xattr " + x + " of " + src + " not copied: " + e.getMessage());
        }
      }
    }
  }
}
