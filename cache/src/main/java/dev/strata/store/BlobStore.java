package dev.strata.store;

import dev.strata.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Content-addressed blobs under {@code blobs/sha256/<hex>}: the one class that knows that layout
 * and the ingest directory. Writes stream through a digest into ingest (same filesystem), are
 * fsynced, verified and renamed, so a reader never sees a partial blob.
 */
public final class BlobStore {
  private final Path blobsDir;
  private final Path ingestDir;

  BlobStore(Path root, Path ingestDir) throws IOException {
    this.blobsDir = root.resolve("blobs");
    this.ingestDir = ingestDir;
    PrivateDirs.create(blobsDir.resolve("sha256"));
  }

  /** Where the blob {@code d} is (or would be) kept: for messages that tell the user a fix. */
  public Path path(Digest d) {
    return blobsDir.resolve(d.algorithm()).resolve(d.hex());
  }

  public boolean has(Digest d) {
    return Files.isRegularFile(path(d));
  }

  /**
   * The file of a blob that is there, for a reader that opens it more than once (an unpacker
   * hashing a plain layer beside its unpack). Its bytes are never written again, unverified.
   */
  public Path file(Digest d) throws StoreException {
    if (!has(d)) {
      throw missing(d);
    }
    return path(d);
  }

  private StoreException missing(Digest d) {
    return new StoreException("blob " + d + " is missing from the store (" + path(d) + ")");
  }

  public long size(Digest d) throws IOException {
    try {
      return Files.size(path(d));
    } catch (NoSuchFileException e) {
      throw missing(d);
    }
  }

  /** The raw bytes of a blob, unverified (the caller verifies, or uses {@link #openVerified}). */
  public InputStream open(Digest d) throws IOException {
    try {
      return Files.newInputStream(path(d));
    } catch (NoSuchFileException e) {
      throw missing(d);
    }
  }

  /**
   * The bytes of a blob, hashed as they are read: reaching the end of a blob whose bytes do not
   * match its digest throws {@link CorruptBlobException}. The caller closes the stream.
   */
  public InputStream openVerified(Digest d) throws IOException {
    return new VerifyingInputStream(open(d), d, path(d));
  }

  /** A small blob (manifest, config, index) read whole and verified. */
  public byte[] readSmall(Digest d, long maxBytes) throws IOException {
    long size = size(d);
    if (size > maxBytes) {
      throw new StoreException(
          "blob "
              + d
              + " is "
              + size
              + " bytes, more than the "
              + maxBytes
              + " allowed for a document");
    }
    try (InputStream in = openVerified(d)) {
      return in.readAllBytes();
    }
  }

  /** Stores {@code bytes} and returns their digest. */
  public Digest writeBytes(byte[] bytes) throws IOException {
    try (BlobWriter w = newWriter()) {
      w.write(bytes);
      return w.commit(null);
    }
  }

  /**
   * Copies {@code in} into a blob; when {@code expected} is not null the bytes must hash to it.
   * Does not close {@code in}.
   */
  public Digest write(InputStream in, Digest expected) throws IOException {
    try (BlobWriter w = newWriter()) {
      in.transferTo(w);
      return w.commit(expected);
    }
  }

  /** A stream into a new blob; {@link BlobWriter#commit} publishes it, close alone discards it. */
  public BlobWriter newWriter() throws IOException {
    Path tmp = Files.createTempFile(ingestDir, "blob-", ".part");
    return new BlobWriter(tmp);
  }

  public boolean delete(Digest d) throws IOException {
    return Files.deleteIfExists(path(d));
  }

  /** Every blob digest in the store (files with names that are not digests are ignored). */
  public List<Digest> list() throws IOException {
    List<Digest> out = new ArrayList<>();
    Path dir = blobsDir.resolve("sha256");
    try (Stream<Path> s = Files.list(dir)) {
      s.forEach(
          p -> {
            try {
              out.add(new Digest("sha256", p.getFileName().toString()));
            } catch (IllegalArgumentException e) {
              // not a blob (a stray file); prune leaves it alone
            }
          });
    }
    return out;
  }

  /** A blob being written: bytes go to a temp file and through sha256. */
  public final class BlobWriter extends OutputStream {
    private final Path tmp;
    private final FileChannel channel;
    private final OutputStream out;
    private final MessageDigest sha = Digest.newSha256();
    private long size;
    private boolean done;

    private BlobWriter(Path tmp) throws IOException {
      this.tmp = tmp;
      this.channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
      this.out = Channels.newOutputStream(channel);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      sha.update((byte) b);
      size++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      sha.update(b, off, len);
      size += len;
    }

    public long size() {
      return size;
    }

    /**
     * Fsyncs, checks the digest against {@code expected} (when not null), and renames the blob into
     * place. A blob already present is kept: same digest, same bytes.
     */
    public Digest commit(Digest expected) throws IOException {
      if (done) {
        throw new IllegalStateException("blob already committed or closed");
      }
      done = true;
      Digest got = Digest.fromSha256(sha.digest());
      try {
        channel.force(true);
        out.close();
        if (expected != null && !expected.equals(got)) {
          throw new CorruptBlobException(
              "blob " + expected + " refused: its bytes hash to " + got + " (" + size + " bytes)");
        }
        Path target = path(got);
        if (!Files.exists(target)) {
          AtomicFiles.publish(tmp, target);
        }
        return got;
      } finally {
        Files.deleteIfExists(tmp);
      }
    }

    /** Discards the blob unless it was committed. */
    @Override
    public void close() throws IOException {
      if (!done) {
        done = true;
        out.close();
        Files.deleteIfExists(tmp);
      }
    }
  }

  private static final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest sha = Digest.newSha256();
    private final Digest want;
    private final Path file;
    private boolean checked;

    VerifyingInputStream(InputStream in, Digest want, Path file) {
      super(in);
      this.want = want;
      this.file = file;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        check();
      } else {
        sha.update((byte) b);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        check();
      } else {
        sha.update(b, off, n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[8192];
      long left = n;
      while (left > 0) {
        int r = read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    private void check() {
      if (!checked) {
        checked = true;
        Digest got = Digest.fromSha256(sha.digest());
        if (!got.equals(want)) {
          throw CorruptBlobException.stored(want, got, file);
        }
      }
    }
  }
}
