package dev.strata.layer.snapshot;

import dev.strata.layer.Change;
import dev.strata.layer.LayerWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** One writable rootfs; closing it unmounts and deletes it. */
public interface Snapshot extends AutoCloseable {
  /** The directory a RUN or COPY writes into. */
  Path rootfs();

  /**
   * What changed since {@link Snapshotter#prepare}, sorted by path. {@code mountPoints} are
   * relative paths the sandbox created to mount over (etc/resolv.conf, etc/hosts, empty dirs):
   * their own change is dropped (a directory's children still count). Directories whose only
   * difference is their times are not reported; they come into a layer as parents of a change.
   */
  List<Change> changes(Set<String> mountPoints) throws IOException;

  /** Writes {@link #changes} as a layer; {@code out} is not closed. */
  LayerWriter.Written writeLayer(LayerWriter writer, Set<String> mountPoints, OutputStream out)
      throws IOException;

  @Override
  void close() throws IOException;
}
