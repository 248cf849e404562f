package dev.strata.registry;

import dev.strata.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Uploads one blob to one repository (distribution-spec "Pushing blobs"): a cross-repository mount
 * when a source repository is known, else a POST for a session, then one PUT for a small blob or
 * PATCH chunks of {@link RegistryOptions#chunkBytes} and a closing PUT. A failed upload starts
 * again from the beginning, up to the retry limit.
 */
final class BlobUpload {
  /** Re-opens a blob's bytes from the start, for uploads that must be repeated. */
  interface BlobSource {
    InputStream open() throws IOException;
  }

  private final HttpSession http;
  private final String name;
  private final RegistryOptions opts;
  private final String action;

  BlobUpload(HttpSession http, String name, RegistryOptions opts, String action) {
    this.http = http;
    this.name = name;
    this.opts = opts;
    this.action = action;
  }

  /** Returns true when the blob was mounted from {@code mountFrom} (may be null), not sent. */
  boolean upload(Digest d, long size, BlobSource source, String mountFrom) {
    for (int attempt = 0; ; attempt++) {
      try {
        return uploadOnce(d, size, source, mountFrom);
      } catch (RegistryException e) {
        if (attempt >= opts.retries() || e instanceof OfflineException) {
          throw e;
        }
      }
    }
  }

  private boolean uploadOnce(Digest d, long size, BlobSource source, String mountFrom) {
    String start = "/v2/" + name + "/blobs/uploads/";
    if (mountFrom != null && !mountFrom.equals(name)) {
      start += "?mount=" + enc(d.toString()) + "&from=" + enc(mountFrom);
    }
    HttpResponse<InputStream> r =
        http.send(action, "POST", start, Map.of(), HttpRequest.BodyPublishers::noBody, true);
    if (r.statusCode() == 201 && mountFrom != null) {
      Responses.discard(r);
      return true;
    }
    if (r.statusCode() != 202) {
      throw http.failure(action, r);
    }
    Responses.discard(r);
    String location = location(r);
    if (size > opts.chunkBytes()) {
      long offset = 0;
      while (offset < size) {
        long len = Math.min(opts.chunkBytes(), size - offset);
        r =
            http.send(
                action,
                "PATCH",
                location,
                Map.of(
                    "Content-Type",
                    "application/octet-stream",
                    "Content-Range",
                    offset + "-" + (offset + len - 1)),
                body(source, offset, len),
                false);
        if (r.statusCode() != 202) {
          throw http.failure(action, r);
        }
        Responses.discard(r);
        location = location(r);
        offset += len;
      }
      r =
          http.send(
              action,
              "PUT",
              withDigest(location, d),
              Map.of(),
              HttpRequest.BodyPublishers::noBody,
              false);
    } else {
      r =
          http.send(
              action,
              "PUT",
              withDigest(location, d),
              Map.of("Content-Type", "application/octet-stream"),
              body(source, 0, size),
              false);
    }
    if (r.statusCode() != 201) {
      throw http.failure(action, r);
    }
    Responses.discard(r);
    return false;
  }

  /** A body of {@code len} bytes from {@code from}, re-read from the source at each attempt. */
  private static Supplier<HttpRequest.BodyPublisher> body(BlobSource source, long from, long len) {
    return () ->
        HttpRequest.BodyPublishers.fromPublisher(
            HttpRequest.BodyPublishers.ofInputStream(() -> slice(source, from, len)), len);
  }

  private static InputStream slice(BlobSource source, long from, long len) {
    try {
      InputStream in = source.open();
      in.skipNBytes(from);
      return new FilterInputStream(in) {
        long left = len;

        @Override
        public int read() throws IOException {
          if (left <= 0) {
            return -1;
          }
          int b = super.read();
          if (b >= 0) {
            left--;
          }
          return b;
        }

        @Override
        public int read(byte[] b, int off, int n) throws IOException {
          if (left <= 0) {
            return -1;
          }
          int got = super.read(b, off, (int) Math.min(n, left));
          if (got > 0) {
            left -= got;
          }
          return got;
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String location(HttpResponse<InputStream> r) {
    String loc = r.headers().firstValue("Location").orElse(null);
    if (loc == null || loc.isEmpty()) {
      throw new RegistryException(
          action + ": the registry answered " + r.statusCode() + " without a Location");
    }
    return r.uri().resolve(loc).toString();
  }

  private static String withDigest(String location, Digest d) {
    return location + (location.contains("?") ? "&" : "?") + "digest=" + enc(d.toString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
