package dev.strata.codec;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/**
 * How a layer stream is compressed. Detected from the first bytes, never trusted from the media
 * type alone (a docker-archive may hold gzip layers under plain names).
 */
public enum Compression {
  NONE(""),
  GZIP("+gzip"),
  ZSTD("+zstd");

  private static final int GZIP_MAGIC0 = 0x1f;
  private static final int GZIP_MAGIC1 = 0x8b;
  // RFC 8878 frame magic 0xFD2FB528, little-endian on the wire.
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd};

  private final String mediaTypeSuffix;

  Compression(String mediaTypeSuffix) {
    this.mediaTypeSuffix = mediaTypeSuffix;
  }

  /** The suffix of the OCI layer media type: "", "+gzip" or "+zstd". */
  public String mediaTypeSuffix() {
    return mediaTypeSuffix;
  }

  /**
   * Looks at the first bytes of {@code in} without consuming them. {@code in} must support
   * mark/reset (wrap it in a {@link BufferedInputStream}).
   */
  public static Compression detect(InputStream in) throws IOException {
    if (!in.markSupported()) {
      throw new IllegalArgumentException("detect needs a stream that supports mark/reset");
    }
    in.mark(4);
    byte[] head = in.readNBytes(4);
    in.reset();
    if (head.length >= 2 && (head[0] & 0xff) == GZIP_MAGIC0 && (head[1] & 0xff) == GZIP_MAGIC1) {
      return GZIP;
    }
    if (head.length == 4
        && head[0] == ZSTD_MAGIC[0]
        && head[1] == ZSTD_MAGIC[1]
        && head[2] == ZSTD_MAGIC[2]
        && head[3] == ZSTD_MAGIC[3]) {
      return ZSTD;
    }
    return NONE;
  }

  /** A stream of the uncompressed bytes of {@code in}; closing it closes {@code in}. */
  public InputStream decompress(InputStream in) throws IOException {
    return switch (this) {
      case NONE -> in;
      case GZIP -> new GZIPInputStream(in, 1 << 16);
      case ZSTD -> new ZstdInputStream(in);
    };
  }

  /**
   * Detects the compression of {@code raw} and returns a stream of its uncompressed bytes; closing
   * the result closes {@code raw}.
   */
  public static InputStream decompressAny(InputStream raw) throws IOException {
    BufferedInputStream in =
        raw instanceof BufferedInputStream b ? b : new BufferedInputStream(raw, 1 << 16);
    return detect(in).decompress(in);
  }

  /**
   * A stream that compresses into {@code out}; closing it finishes the frame and closes {@code
   * out}. zstd uses level 3 and all cores ({@code zstd -T0 -3}), the speed DESIGN.md measured; gzip
   * uses level 6 in parallel blocks on all cores ({@link ParallelGzipOutputStream}, as pigz).
   */
  public OutputStream compress(OutputStream out) throws IOException {
    return switch (this) {
      case NONE -> out;
      case GZIP -> new ParallelGzipOutputStream(out);
      case ZSTD -> {
        ZstdOutputStream z = new ZstdOutputStream(out, 3);
        z.setWorkers(Runtime.getRuntime().availableProcessors());
        yield z;
      }
    };
  }
}
