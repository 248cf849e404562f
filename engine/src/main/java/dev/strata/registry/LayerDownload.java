package dev.strata.registry;

import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.store.BlobStore;
import dev.strata.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Stores one pulled layer as it comes, in three threads: the caller's reads the network, hashes and
 * writes the blob; a helper decompresses a copy of the bytes; a second hashes the tar (the diffID).
 * On two cores this keeps the critical path of a pull to the decompression alone (gunzip is most of
 * a pull; the tar's sha256 was another fifth of it when it ran on the same thread). At most {@link
 * #QUEUED} chunks wait between two threads; nothing is held whole. The blob is published only when
 * its bytes hash to the descriptor's digest.
 */
final class LayerDownload {
  private static final int CHUNK = 1 << 16;
  private static final int PLAIN_CHUNK = 1 << 18;
  private static final int QUEUED = 64;
  private static final int PLAIN_QUEUED = 16;
  private static final byte[] END = new byte[0];

  private LayerDownload() {}

  private record Tar(Digest diffId, long size) {}

  /** Reads {@code in} to its end (the caller closes it) and stores it as blob {@code d}. */
  static LayerRecord store(Store store, InputStream in, Descriptor d) throws IOException {
    BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(QUEUED);
    CompletableFuture<Tar> tar = new CompletableFuture<>();
    Thread helper = new Thread(() -> decompress(queue, tar), "strata-gunzip");
    helper.setDaemon(true);
    helper.start();
    boolean sentEnd = false;
    try (BlobStore.BlobWriter w = store.blobs().newWriter()) {
      byte[] buf = new byte[CHUNK];
      int n;
      while ((n = in.readNBytes(buf, 0, CHUNK)) > 0) {
        w.write(buf, 0, n);
        put(queue, Arrays.copyOf(buf, n));
      }
      put(queue, END);
      sentEnd = true;
      Tar t;
      try {
        t = tar.get();
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        throw new IOException("not a valid layer: " + Responses.describe(c), c);
      }
      long size = w.size();
      Digest blob = w.commit(d.digest());
      return new LayerRecord(t.diffId(), blob, d.mediaType(), size, t.size());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    } finally {
      if (!sentEnd) {
        helper.interrupt(); // the download failed: stop the helper
      }
    }
  }

  private static void put(BlockingQueue<byte[]> q, byte[] b) throws InterruptedException {
    q.put(b);
  }

  /**
   * The first helper: decompress what the queue holds and hand the tar to a hashing thread of its
   * own; always drains the queue to END.
   */
  private static void decompress(BlockingQueue<byte[]> queue, CompletableFuture<Tar> out) {
    QueueInputStream q = new QueueInputStream(queue);
    BlockingQueue<byte[]> plain = new ArrayBlockingQueue<>(PLAIN_QUEUED);
    CompletableFuture<Digest> hashed = new CompletableFuture<>();
    Thread hasher = new Thread(() -> hash(plain, hashed), "strata-diffid");
    hasher.setDaemon(true);
    hasher.start();
    boolean sentEnd = false;
    try {
      BufferedInputStream b = new BufferedInputStream(q, CHUNK);
      Compression c = Compression.detect(b);
      long size = 0;
      try (InputStream tar = c.decompress(b)) {
        while (true) {
          byte[] chunk = new byte[PLAIN_CHUNK];
          int n = tar.readNBytes(chunk, 0, PLAIN_CHUNK);
          if (n <= 0) {
            break;
          }
          size += n;
          plain.put(n == PLAIN_CHUNK ? chunk : Arrays.copyOf(chunk, n));
        }
      }
      plain.put(END);
      sentEnd = true;
      out.complete(new Tar(hashed.get(), size));
    } catch (IOException | RuntimeException | ExecutionException e) {
      out.completeExceptionally(e);
    } catch (InterruptedException e) {
      // the downloader stopped: it puts nothing more, so there is nothing to drain
      out.completeExceptionally(new IOException("download stopped"));
      return;
    } finally {
      if (!sentEnd) {
        hasher.interrupt();
      }
    }
    q.drain(); // never leave the downloader blocked on a full queue
  }

  /** The second helper: sha256 of the tar chunks until END. */
  private static void hash(BlockingQueue<byte[]> plain, CompletableFuture<Digest> out) {
    MessageDigest sha = Digest.newSha256();
    try {
      for (byte[] b = plain.take(); b != END; b = plain.take()) {
        sha.update(b);
      }
      out.complete(Digest.fromSha256(sha.digest()));
    } catch (InterruptedException e) {
      out.completeExceptionally(e);
    }
  }

  /** The queue's chunks as a stream; {@link #END} ends it. */
  private static final class QueueInputStream extends InputStream {
    private final BlockingQueue<byte[]> queue;
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    QueueInputStream(BlockingQueue<byte[]> queue) {
      this.queue = queue;
    }

    private boolean fill() throws IOException {
      while (!ended && pos >= current.length) {
        try {
          current = queue.take();
        } catch (InterruptedException e) {
          ended = true;
          throw new IOException("download stopped");
        }
        pos = 0;
        if (current == END) {
          ended = true;
        }
      }
      return !ended || pos < current.length;
    }

    @Override
    public int read() throws IOException {
      return fill() && pos < current.length ? current[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill() || pos >= current.length) {
        return -1;
      }
      int n = Math.min(len, current.length - pos);
      System.arraycopy(current, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public void close() {}

    void drain() {
      while (!ended) {
        try {
          ended = queue.take() == END;
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
