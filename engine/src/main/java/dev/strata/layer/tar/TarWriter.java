package dev.strata.layer.tar;

import dev.strata.codec.BackgroundOutputStream;
import dev.strata.posix.FileNames;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes tar entries deterministically: ustar headers, a PAX header only when a field needs it
 * (long or non-ASCII names, big numbers, nanosecond mtimes, xattrs), empty uname/gname, no
 * atime/ctime, and the PAX header named {@code PaxHeaders/<name>} so equal input gives equal bytes.
 * Closing writes the two zero end blocks and closes the underlying stream.
 */
public final class TarWriter implements Closeable {
  private static final int BLOCK = 512;
  private static final long MAX_OCTAL_11 = 077777777777L;
  private static final int MAX_OCTAL_7 = 07777777;

  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private boolean finished;

  /** {@code out} is closed by {@link #close}. */
  public TarWriter(OutputStream out) {
    this.out = out;
  }

  /**
   * Writes {@code e}; for a regular file {@code content} must give exactly {@code e.size()} bytes
   * (it is not closed here). Directories get a trailing '/' in the archive.
   */
  public void write(TarEntry e, InputStream content) throws IOException {
    String name = e.isDirectory() ? e.name() + "/" : e.name();
    java.io.ByteArrayOutputStream paxBytes = new java.io.ByteArrayOutputStream();
    byte[] nameBytes = FileNames.encode(name);
    byte[] linkBytes = FileNames.encode(e.linkName());
    if (!FileNames.isUtf8(name) || !FileNames.isUtf8(e.linkName())) {
      // A name that is not UTF-8 goes in the PAX path as its bytes (as GNU tar writes it), said
      // first, as Python's tarfile does, so that a reader does not take the bytes for UTF-8.
      record(paxBytes, "hdrcharset", "BINARY".getBytes(StandardCharsets.US_ASCII));
    }
    if (nameBytes.length > 100 || !isAscii(name)) {
      record(paxBytes, "path", nameBytes);
    }
    if (linkBytes.length > 100 || !isAscii(e.linkName())) {
      record(paxBytes, "linkpath", linkBytes);
    }
    long size = e.isRegularFile() ? e.size() : 0;
    if (size > MAX_OCTAL_11) {
      record(paxBytes, "size", Long.toString(size).getBytes(StandardCharsets.US_ASCII));
    }
    if (e.uid() > MAX_OCTAL_7 || e.uid() < 0) {
      record(
          paxBytes, "uid", Integer.toUnsignedString(e.uid()).getBytes(StandardCharsets.US_ASCII));
    }
    if (e.gid() > MAX_OCTAL_7 || e.gid() < 0) {
      record(
          paxBytes, "gid", Integer.toUnsignedString(e.gid()).getBytes(StandardCharsets.US_ASCII));
    }
    if (e.mtimeNsec() != 0 || e.mtimeSec() < 0 || e.mtimeSec() > MAX_OCTAL_11) {
      record(
          paxBytes,
          "mtime",
          paxTime(e.mtimeSec(), e.mtimeNsec()).getBytes(StandardCharsets.US_ASCII));
    }
    for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
      record(paxBytes, "SCHILY.xattr." + x.getKey(), x.getValue());
    }
    if (paxBytes.size() > 0) {
      String paxName = "PaxHeaders/" + name;
      byte[] body = paxBytes.toByteArray();
      writeHeader(
          field(paxName, FileNames.encode(paxName), 100),
          'x',
          0644,
          0,
          0,
          body.length,
          0,
          new byte[0],
          0,
          0);
      out.write(body);
      pad(body.length);
    }
    writeHeader(
        field(name, nameBytes, 100),
        e.type(),
        e.mode(),
        Math.max(0, Math.min(e.uid(), MAX_OCTAL_7)),
        Math.max(0, Math.min(e.gid(), MAX_OCTAL_7)),
        Math.min(size, MAX_OCTAL_11),
        Math.max(0, Math.min(e.mtimeSec(), MAX_OCTAL_11)),
        field(e.linkName(), linkBytes, 100),
        e.devMajor(),
        e.devMinor());
    if (size > 0) {
      // Into a hand-off stream, the file is read straight into its chunks (one copy fewer).
      long got =
          out instanceof BackgroundOutputStream chunks
              ? chunks.writeFrom(content, size)
              : copy(content, size);
      if (got < size) {
        throw new IOException(
            "file "
                + FileNames.display(e.name())
                + " shrank while being archived ("
                + (size - got)
                + " bytes missing)");
      }
      pad(size);
    }
  }

  /** Copies up to {@code n} bytes of {@code in} to the output; fewer only when {@code in} ends. */
  private long copy(InputStream in, long n) throws IOException {
    long done = 0;
    while (done < n) {
      int r = in.read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      out.write(buf, 0, r);
      done += r;
    }
    return done;
  }

  /** "SEC" or "SEC.FRACTION" with trailing zeros of the 9-digit fraction dropped. */
  static String paxTime(long sec, int nsec) {
    if (nsec == 0) {
      return Long.toString(sec);
    }
    char[] frac = new char[9];
    int v = nsec;
    for (int i = 8; i >= 0; i--) {
      frac[i] = (char) ('0' + v % 10);
      v /= 10;
    }
    int len = 9;
    while (frac[len - 1] == '0') {
      len--;
    }
    return sec + "." + new String(frac, 0, len);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80 || s.charAt(i) == 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The ustar name or link field of {@code s}, whose bytes are {@code bytes}. A name that needs no
   * PAX record is ASCII: its bytes. Under a PAX record, which readers take first, the field keeps
   * what Strata always wrote there, so that layers keep their digests: the chars as ISO-8859-1 ('?'
   * beyond it) when the UTF-8 fits, else the first {@code max} bytes; a name that is not UTF-8 has
   * its own bytes there, cut at {@code max}.
   */
  private static byte[] field(String s, byte[] bytes, int max) {
    if (bytes.length > max) {
      return Arrays.copyOf(bytes, max);
    }
    return FileNames.hasEscapes(s) ? bytes : s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** PAX record "LEN KEY=VALUE\n", where LEN counts the whole record including itself. */
  private static void record(java.io.ByteArrayOutputStream to, String key, byte[] value) {
    byte[] k = key.getBytes(StandardCharsets.UTF_8);
    int rest = 1 + k.length + 1 + value.length + 1; // ' ' key '=' value '\n'
    int len = rest + Integer.toString(rest).length();
    if (Integer.toString(len).length() != Integer.toString(rest).length()) {
      len++;
    }
    to.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
    to.write(' ');
    to.writeBytes(k);
    to.write('=');
    to.writeBytes(value);
    to.write('\n');
  }

  private void writeHeader(
      byte[] name,
      char type,
      int mode,
      int uid,
      int gid,
      long size,
      long mtime,
      byte[] link,
      long devMajor,
      long devMinor)
      throws IOException {
    byte[] h = new byte[BLOCK];
    System.arraycopy(name, 0, h, 0, name.length);
    putOctal(h, 100, 8, mode & 07777);
    putOctal(h, 108, 8, uid);
    putOctal(h, 116, 8, gid);
    putOctal(h, 124, 12, size);
    putOctal(h, 136, 12, mtime);
    Arrays.fill(h, 148, 156, (byte) ' ');
    h[156] = (byte) type;
    System.arraycopy(link, 0, h, 157, link.length);
    putString(h, 257, 6, "ustar");
    h[263] = '0';
    h[264] = '0';
    if (type == TarEntry.CHAR || type == TarEntry.BLOCK) {
      putOctal(h, 329, 8, devMajor);
      putOctal(h, 337, 8, devMinor);
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    putOctal(h, 148, 7, sum); // six digits and NUL, then the space already there, as GNU tar
    out.write(h);
  }

  private static void putString(byte[] h, int off, int len, String s) {
    byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
    System.arraycopy(b, 0, h, off, Math.min(len, b.length));
  }

  /** {@code len - 1} zero-padded octal digits and a NUL. */
  private static void putOctal(byte[] h, int off, int len, long v) {
    int digits = len - 1;
    if (v < 0 || (v >>> (3 * digits)) != 0) {
      // Too wide (only device numbers can be): the leading digits, as this writer always did.
      putString(h, off, digits, Long.toOctalString(v));
    } else {
      for (int i = off + digits - 1; i >= off; i--) {
        h[i] = (byte) ('0' + (v & 7));
        v >>>= 3;
      }
    }
    h[off + digits] = 0;
  }

  private static final byte[] ZEROS = new byte[BLOCK];

  private void pad(long n) throws IOException {
    int rem = (int) (n % BLOCK);
    if (rem != 0) {
      out.write(ZEROS, 0, BLOCK - rem);
    }
  }

  /** Writes the end-of-archive blocks without closing the underlying stream. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    out.write(new byte[2 * BLOCK]);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    finish();
    out.close();
  }
}
