package dev.strata.layer;

import dev.strata.layer.tar.TarEntry;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A file of a tree as the tar entry {@link LayerWriter} writes for it. */
final class FileEntry {
  private FileEntry() {}

  /**
   * The entry of {@code host}, named {@code name} in the archive: its type, mode, owner (a recorded
   * one first, see {@link Ownership}), size, mtime clamped to {@code epoch} when given, link target
   * and xattrs (minus Strata's own).
   */
  static TarEntry of(Path host, String name, FileStat st, Long epoch) throws IOException {
    char type =
        switch (st.type()) {
          case FileStat.S_IFREG -> TarEntry.FILE;
          case FileStat.S_IFDIR -> TarEntry.DIR;
          case FileStat.S_IFLNK -> TarEntry.SYMLINK;
          case FileStat.S_IFCHR -> TarEntry.CHAR;
          case FileStat.S_IFBLK -> TarEntry.BLOCK;
          case FileStat.S_IFIFO -> TarEntry.FIFO;
          default -> throw new LayerException(name, "unsupported file type " + st.type());
        };
    long mtime = st.mtimeSec();
    int mtimeNs = st.mtimeNsec();
    if (epoch != null && (mtime > epoch || (mtime == epoch && mtimeNs > 0))) {
      mtime = epoch;
      mtimeNs = 0;
    }
    Map<String, byte[]> xattrs = new TreeMap<>();
    // One llistxattr per entry; the owner record is read only when it is listed (most files
    // have no xattrs at all, so this saves a failing lgetxattr per file).
    List<String> names = st.isSymlink() ? List.of() : Posix.llistxattr(host);
    for (String x : names) {
      if (!Ownership.isInternalXattr(x)) {
        byte[] v = Posix.lgetxattr(host, x);
        if (v != null) {
          xattrs.put(x, v);
        }
      }
    }
    int[] owner =
        names.contains(Ownership.XATTR) ? Ownership.of(host, st) : new int[] {st.uid(), st.gid()};
    String link = st.isSymlink() ? FileNames.text(Files.readSymbolicLink(host)) : "";
    return new TarEntry(
        name,
        type,
        st.permissions(),
        owner[0],
        owner[1],
        st.isRegularFile() ? st.size() : 0,
        mtime,
        mtimeNs,
        link,
        st.rdevMajor(),
        st.rdevMinor(),
        xattrs);
  }
}
