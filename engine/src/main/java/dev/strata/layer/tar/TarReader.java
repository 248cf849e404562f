package dev.strata.layer.tar;

import static dev.strata.layer.tar.TarFields.cBytes;
import static dev.strata.layer.tar.TarFields.headerNameBytes;
import static dev.strata.layer.tar.TarFields.isZero;
import static dev.strata.layer.tar.TarFields.number;
import static dev.strata.layer.tar.TarFields.parsePax;
import static dev.strata.layer.tar.TarFields.utf8;

import dev.strata.posix.FileNames;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads tar entries from a stream: ustar and GNU headers, PAX local and global headers (path,
 * linkpath, size, uid, gid, mtime with nanoseconds, {@code SCHILY.xattr.*} kept as raw bytes), GNU
 * long names ({@code L}, {@code K}), base-256 numbers. Names and link targets are bytes, kept as
 * {@link FileNames} text whatever they hold (a PAX path is UTF-8 by the spec, but GNU tar and
 * Python's tarfile write other bytes there as they are, the latter saying {@code
 * hdrcharset=BINARY}: decoded the same way, so either is kept). Refuses sparse files and bad
 * checksums; a stream cut short raises {@link EOFException} naming the entry. Does not close the
 * stream.
 */
public final class TarReader {
  private static final int BLOCK = 512;

  private final InputStream in;
  private final Map<String, byte[]> globalPax = new HashMap<>();
  private TarEntry current;
  private long remaining;
  private long padding;
  private boolean ended;

  public TarReader(InputStream in) {
    this.in = in;
  }

  /** The next entry, or null at the end of the archive; skips what is left of the previous one. */
  public TarEntry next() throws IOException {
    skipRest();
    if (ended) {
      return null;
    }
    Map<String, byte[]> pax = new HashMap<>(globalPax);
    byte[] longName = null;
    byte[] longLink = null;
    while (true) {
      byte[] h = new byte[BLOCK];
      int n = in.readNBytes(h, 0, BLOCK);
      if (n == 0) {
        ended = true; // no end blocks: tolerated, as Go's archive/tar does; digests catch cuts
        return null;
      }
      if (n < BLOCK) {
        throw new EOFException("truncated tar header after " + describe(longName, pax));
      }
      if (isZero(h)) {
        ended = true;
        return null;
      }
      verifyChecksum(h, longName, pax);
      char type = (char) h[156];
      long size = number(h, 124, 12, "size");
      switch (type) {
        case 'x', 'g' -> {
          byte[] body = readBody(size, "PAX header before " + describe(longName, pax));
          Map<String, byte[]> recs = parsePax(body);
          (type == 'x' ? pax : globalPax).putAll(recs);
          if (type == 'g') {
            pax.putAll(recs);
          }
          continue;
        }
        case 'L' -> {
          longName = cBytes(readBody(size, "GNU long name"));
          continue;
        }
        case 'K' -> {
          longLink = cBytes(readBody(size, "GNU long link name"));
          continue;
        }
        case 'S' ->
            throw new TarFormatException(
                "entry "
                    + describe(headerNameBytes(h), pax)
                    + ": GNU sparse files are not supported");
        default -> {}
      }
      // PAX overrides GNU long names, which override the header; only the one used is decoded
      // (a header field may hold a name cut at 100 bytes, mid-character, under a PAX path).
      String name =
          FileNames.decode(
              pax.containsKey("path")
                  ? pax.get("path")
                  : longName != null ? longName : headerNameBytes(h));
      String link =
          FileNames.decode(
              pax.containsKey("linkpath")
                  ? pax.get("linkpath")
                  : longLink != null ? longLink : cBytes(h, 157, 100));
      if (pax.containsKey("size")) {
        size = paxLong(pax, "size", name);
      }
      if (pax.containsKey("GNU.sparse.major") || pax.containsKey("GNU.sparse.map")) {
        throw new TarFormatException(
            "entry " + FileNames.display(name) + ": PAX sparse files are not supported");
      }
      int uid =
          pax.containsKey("uid") ? (int) paxLong(pax, "uid", name) : (int) number(h, 108, 8, "uid");
      int gid =
          pax.containsKey("gid") ? (int) paxLong(pax, "gid", name) : (int) number(h, 116, 8, "gid");
      long mtime = number(h, 136, 12, "mtime");
      int mtimeNs = 0;
      if (pax.containsKey("mtime")) {
        String t = utf8(pax.get("mtime"));
        try {
          java.math.BigDecimal d = new java.math.BigDecimal(t);
          mtime = d.setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
          mtimeNs = d.subtract(java.math.BigDecimal.valueOf(mtime)).movePointRight(9).intValue();
        } catch (NumberFormatException | ArithmeticException e) {
          throw new TarFormatException(
              "entry " + FileNames.display(name) + ": bad PAX mtime \"" + t + "\"");
        }
      }
      Map<String, byte[]> xattrs = new HashMap<>();
      for (Map.Entry<String, byte[]> p : pax.entrySet()) {
        if (p.getKey().startsWith("SCHILY.xattr.")) {
          xattrs.put(p.getKey().substring("SCHILY.xattr.".length()), p.getValue());
        }
      }
      if (type == 0 || type == '7') {
        type = TarEntry.FILE;
      }
      if (name.endsWith("/") && type == TarEntry.FILE) {
        type = TarEntry.DIR; // old tars mark directories by the trailing slash only
      }
      while (name.length() > 1 && name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      boolean hasData = type == TarEntry.FILE;
      if (!hasData
          && type != TarEntry.HARDLINK
          && type != TarEntry.SYMLINK
          && type != TarEntry.CHAR
          && type != TarEntry.BLOCK
          && type != TarEntry.DIR
          && type != TarEntry.FIFO) {
        throw new TarFormatException(
            "entry " + FileNames.display(name) + ": unsupported tar type '" + type + "'");
      }
      if (size < 0) {
        throw new TarFormatException("entry " + FileNames.display(name) + ": negative size");
      }
      long devMajor =
          type == TarEntry.CHAR || type == TarEntry.BLOCK ? number(h, 329, 8, "devmajor") : 0;
      long devMinor =
          type == TarEntry.CHAR || type == TarEntry.BLOCK ? number(h, 337, 8, "devminor") : 0;
      int mode = (int) (number(h, 100, 8, "mode") & 07777);
      long dataSize = hasData ? size : 0;
      // A header may carry a size for links or dirs; its bytes still follow and must be skipped.
      long skipSize =
          type == TarEntry.DIR
                  || type == TarEntry.SYMLINK
                  || type == TarEntry.HARDLINK
                  || type == TarEntry.CHAR
                  || type == TarEntry.BLOCK
                  || type == TarEntry.FIFO
              ? size
              : 0;
      TarEntry entry =
          new TarEntry(
              name, type, mode, uid, gid, dataSize, mtime, mtimeNs, link, devMajor, devMinor,
              xattrs);
      current = entry;
      remaining = hasData ? size : skipSize;
      padding = (BLOCK - (remaining % BLOCK)) % BLOCK;
      if (!hasData) {
        skipRest();
      }
      return entry;
    }
  }

  /** The content of the current entry (regular files); reading past it returns -1. */
  public InputStream content() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new EOFException(
              "truncated tar stream in entry "
                  + FileNames.display(current.name())
                  + " ("
                  + remaining
                  + " bytes missing)");
        }
        remaining -= n;
        return n;
      }
    };
  }

  /** One per reader: a fresh 8 KiB array per entry was most of this method's time (zeroing). */
  private final byte[] sink = new byte[8192];

  private void skipRest() throws IOException {
    if (current == null) {
      return;
    }
    long toSkip = remaining + padding;
    while (toSkip > 0) {
      int n = in.read(sink, 0, (int) Math.min(sink.length, toSkip));
      if (n < 0) {
        throw new EOFException(
            "truncated tar stream in entry " + FileNames.display(current.name()));
      }
      toSkip -= n;
    }
    remaining = 0;
    padding = 0;
    current = null;
  }

  private byte[] readBody(long size, String what) throws IOException {
    if (size > (1 << 20)) {
      throw new TarFormatException(what + ": extension header of " + size + " bytes is too big");
    }
    byte[] body = in.readNBytes((int) size);
    long pad = (BLOCK - (size % BLOCK)) % BLOCK;
    if (body.length < size || in.readNBytes((int) pad).length < pad) {
      throw new EOFException("truncated tar stream in " + what);
    }
    return body;
  }

  private static long paxLong(Map<String, byte[]> pax, String key, String name)
      throws TarFormatException {
    String v = utf8(pax.get(key));
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new TarFormatException(
          "entry " + FileNames.display(name) + ": bad PAX " + key + " \"" + v + "\"");
    }
  }

  private static String describe(byte[] longName, Map<String, byte[]> pax) {
    if (pax.containsKey("path")) {
      return shown(pax.get("path"));
    }
    return longName != null ? shown(longName) : "(start of archive or previous entry)";
  }

  private static String shown(byte[] name) {
    return FileNames.display(FileNames.decode(name));
  }

  private static void verifyChecksum(byte[] h, byte[] longName, Map<String, byte[]> pax)
      throws TarFormatException {
    long want;
    try {
      want = number(h, 148, 8, "checksum");
    } catch (TarFormatException e) {
      throw new TarFormatException(
          "not a tar stream: bad header checksum field near entry " + shown(cBytes(h, 0, 100)));
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int b = (i >= 148 && i < 156) ? ' ' : h[i];
      unsigned += b & 0xff;
      signed += (i >= 148 && i < 156) ? ' ' : h[i];
    }
    if (want != unsigned && want != signed) {
      throw new TarFormatException(
          "invalid tar header checksum at entry \""
              + shown(cBytes(h, 0, 100))
              + "\" (after "
              + describe(longName, pax)
              + ")");
    }
  }
}
