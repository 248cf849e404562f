package dev.strata.solver.copy;

import java.util.Collection;
import java.util.Map;

/**
 * Content digests of files remembered by their stat (DESIGN.md "Cache keys": content hashes cached
 * by file stat, so unchanged files are not read again), as git's index keeps a blob id per stat. A
 * stat key is path, device, inode, size, mtime and ctime to the nanosecond: any write, rename over
 * or touch changes one of them. Asked in batches: one index session for all files of a step.
 */
public interface FileDigests {
  /** The digests known for those of {@code statKeys} that are known. */
  Map<String, String> known(Collection<String> statKeys);

  /** Remembers {@code digests} (stat key -> hex digest). */
  void remember(Map<String, String> digests);

  /**
   * Keeps {@code listing}, the text whose sha256 is a content hash (one line per source and file),
   * so a later miss can be compared with it file by file; by default it is not kept.
   */
  default void keepListing(String listing) {}

  /** Remembers nothing: every file is read. */
  FileDigests NONE =
      new FileDigests() {
        public Map<String, String> known(Collection<String> statKeys) {
          return Map.of();
        }

        public void remember(Map<String, String> digests) {}
      };
}
