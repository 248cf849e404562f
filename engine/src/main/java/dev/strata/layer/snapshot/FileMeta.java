package dev.strata.layer.snapshot;

import dev.strata.layer.Ownership;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the diff walk compares about one path: type, mode, owner (recorded owners included), size,
 * mtime, ctime, inode identity (ino and birth time), xattrs and link target.
 */
record FileMeta(
    int type,
    int perms,
    int uid,
    int gid,
    long size,
    long mtimeSec,
    int mtimeNsec,
    long ctimeSec,
    int ctimeNsec,
    long ino,
    long btimeSec,
    int btimeNsec,
    long rdev,
    String xattrs,
    String link) {

  static FileMeta of(Path p, FileStat st) throws IOException {
    int[] owner = Ownership.of(p, st);
    return new FileMeta(
        st.type(),
        st.permissions(),
        owner[0],
        owner[1],
        st.isDirectory() ? 0 : st.size(),
        st.mtimeSec(),
        st.mtimeNsec(),
        st.ctimeSec(),
        st.ctimeNsec(),
        st.ino(),
        st.btimeSec(),
        st.btimeNsec(),
        (st.rdevMajor() << 32) | st.rdevMinor(),
        xattrs(p, st),
        st.isSymlink() ? FileNames.text(Files.readSymbolicLink(p)) : "");
  }

  /** The layer-visible xattrs, sorted, as one string (values in hex). */
  static String xattrs(Path p, FileStat st) throws IOException {
    if (st.isSymlink()) {
      return "";
    }
    Map<String, String> m = new TreeMap<>();
    for (String x : Posix.llistxattr(p)) {
      if (!Ownership.isInternalXattr(x)) {
        byte[] v = Posix.lgetxattr(p, x);
        m.put(x, v == null ? "" : HexFormat.of().formatHex(v));
      }
    }
    return m.toString();
  }

  boolean isDirectory() {
    return type == FileStat.S_IFDIR;
  }

  /** Same directory object: not removed and made again (birth time covers a reused ino). */
  boolean sameInode(FileMeta o) {
    return ino == o.ino && btimeSec == o.btimeSec && btimeNsec == o.btimeNsec;
  }

  /** What a layer entry of a directory shows, times aside. */
  boolean sameDirectoryEntry(FileMeta o) {
    return perms == o.perms && uid == o.uid && gid == o.gid && xattrs.equals(o.xattrs);
  }
}
