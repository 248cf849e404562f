package dev.strata.layer.tar;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One tar header after PAX and GNU extensions are applied. Names are relative, use '/' and keep a
 * trailing '/' off (directories are told by {@link #type}).
 *
 * @param type the typeflag: {@link #FILE}, {@link #HARDLINK}, {@link #SYMLINK}, {@link #CHAR},
 *     {@link #BLOCK}, {@link #DIR}, {@link #FIFO}
 * @param mode permission bits with setuid, setgid and sticky (07777)
 * @param linkName target of a symlink, or the archive name a hard link points to
 * @param xattrs extended attributes (PAX {@code SCHILY.xattr.NAME}), sorted by name, values raw
 */
public record TarEntry(
    String name,
    char type,
    int mode,
    int uid,
    int gid,
    long size,
    long mtimeSec,
    int mtimeNsec,
    String linkName,
    long devMajor,
    long devMinor,
    Map<String, byte[]> xattrs) {
  public static final char FILE = '0';
  public static final char HARDLINK = '1';
  public static final char SYMLINK = '2';
  public static final char CHAR = '3';
  public static final char BLOCK = '4';
  public static final char DIR = '5';
  public static final char FIFO = '6';

  public TarEntry {
    linkName = linkName == null ? "" : linkName;
    xattrs = Collections.unmodifiableMap(new TreeMap<>(xattrs == null ? Map.of() : xattrs));
  }

  public boolean isDirectory() {
    return type == DIR;
  }

  public boolean isRegularFile() {
    return type == FILE;
  }

  /** The same entry under another name (whiteout conversion, normalisation). */
  public TarEntry withName(String newName) {
    return new TarEntry(
        newName, type, mode, uid, gid, size, mtimeSec, mtimeNsec, linkName, devMajor, devMinor,
        xattrs);
  }
}
