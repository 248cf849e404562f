package dev.strata.registry;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * A blob's bytes from the registry, at most the descriptor's size: more is refused at once (a
 * hostile registry cannot fill the disk), and a body that ends early or breaks is resumed with a
 * Range request from where it stopped, up to the retry limit; the caller hashes what it reads.
 */
final class BlobInputStream extends InputStream {
  private final HttpSession http;
  private final RegistryOptions opts;
  private final String action;
  private final String path;
  private final long size;
  private InputStream in;
  private long offset;
  private int resumes;

  BlobInputStream(HttpSession http, RegistryOptions opts, String action, String path, long size) {
    this.http = http;
    this.opts = opts;
    this.action = action;
    this.path = path;
    this.size = size;
    open();
  }

  private void open() {
    Map<String, String> headers = offset == 0 ? Map.of() : Map.of("Range", "bytes=" + offset + "-");
    HttpResponse<InputStream> r = http.send(action, "GET", path, headers, null, true);
    int s = r.statusCode();
    if (offset == 0 && s != 200 || offset > 0 && s != 206 && s != 200) {
      throw http.failure(action, r);
    }
    if (offset > 0) {
      String range = r.headers().firstValue("Content-Range").orElse("");
      if (s != 206 || !range.startsWith("bytes " + offset + "-")) {
        Responses.discard(r);
        throw new RegistryException(
            truncated() + ", and the registry cannot resume it (no Range support)");
      }
    }
    long announced = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (announced > size - offset) {
      Responses.discard(r);
      throw new RegistryException(
          action
              + ": the registry announces "
              + (announced + offset)
              + " bytes, the descriptor says "
              + size
              + "; refused");
    }
    in = r.body();
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    int n = read(b, 0, 1);
    return n < 0 ? -1 : b[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      if (offset >= size) {
        int extra;
        try {
          extra = in.read();
        } catch (IOException e) {
          extra = -1;
        }
        if (extra >= 0) {
          throw new RegistryException(
              action
                  + ": the registry sent more than the "
                  + size
                  + " bytes of the descriptor; refused");
        }
        return -1;
      }
      int n;
      IOException failure = null;
      try {
        n = in.read(b, off, (int) Math.min(len, size - offset));
      } catch (IOException e) {
        n = -1;
        failure = e;
      }
      if (n > 0) {
        offset += n;
        return n;
      }
      if (n == 0) {
        continue;
      }
      resume(failure);
    }
  }

  private void resume(IOException cause) {
    closeQuietly();
    if (resumes++ >= opts.retries()) {
      throw new RegistryException(
          truncated() + (cause == null ? "" : " (" + Responses.describe(cause) + ")"), cause);
    }
    open();
  }

  private String truncated() {
    return action + ": body truncated after " + offset + " of " + size + " bytes";
  }

  private void closeQuietly() {
    try {
      in.close();
    } catch (IOException e) {
      // already broken
    }
  }

  @Override
  public void close() {
    closeQuietly();
  }
}
