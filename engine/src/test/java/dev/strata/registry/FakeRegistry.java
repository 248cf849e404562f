package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tiny hostile registry (com.sun.net.httpserver) serving one image, {@code evil/app:1}, with one
 * misbehaviour chosen by {@link Mode}.
 */
final class FakeRegistry implements AutoCloseable {
  enum Mode {
    HONEST,
    /** the layer's bytes are another valid gzip stream of the same length */
    WRONG_BLOB_BYTES,
    /** the manifest is padded past the client's limit */
    HUGE_MANIFEST,
    /** the blob URL redirects to itself */
    REDIRECT_LOOP,
    /** the blob body stops half way and the connection closes */
    TRUNCATED_BODY,
    /** the first two blob requests answer 503 */
    FLAKY,
    /** the layer matches its digest but is no gzip stream (a gzip header, then junk) */
    GARBAGE_LAYER,
    /** the first layer body stops half way; Range requests are then answered with 206 */
    TRUNCATED_THEN_RANGE
  }

  final byte[] layer;
  final byte[] config;
  final byte[] manifest;
  final Digest layerDigest;
  final Digest manifestDigest;
  final AtomicInteger blobRequests = new AtomicInteger();
  private final byte[] evilLayer;
  private final Mode mode;
  private final HttpServer server;

  FakeRegistry(Mode mode) throws IOException {
    this.mode = mode;
    byte[] tar = tar("hello.txt", "hello from the fake registry\n");
    this.layer = mode == Mode.GARBAGE_LAYER ? garbage() : gzip(tar);
    byte[] other = gzip(tar("hello.txt", "HELLO FROM THE FAKE REGISTRY\n"));
    this.evilLayer = other;
    if (other.length != layer.length && mode != Mode.GARBAGE_LAYER) {
      throw new IllegalStateException("test setup: the evil layer must have the same length");
    }
    Digest diffId = Digest.sha256(tar);
    this.layerDigest = Digest.sha256(layer);
    this.config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + diffId
                + "\"]}}")
            .getBytes(StandardCharsets.UTF_8);
    Descriptor cd = new Descriptor(MediaType.OCI_CONFIG, Digest.sha256(config), config.length);
    Descriptor ld = new Descriptor(MediaType.OCI_LAYER_GZIP, layerDigest, layer.length);
    if (mode == Mode.HUGE_MANIFEST) {
      ld = ld.withAnnotation("padding", "x".repeat(256 << 10));
    }
    this.manifest = Manifest.oci(cd, List.of(ld)).bytes();
    this.manifestDigest = Digest.sha256(manifest);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      Map<String, byte[]> blobs = new HashMap<>();
      blobs.put(
          "/v2/evil/app/blobs/" + layerDigest, mode == Mode.WRONG_BLOB_BYTES ? evilLayer : layer);
      blobs.put("/v2/evil/app/blobs/" + Digest.sha256(config), config);
      if (path.equals("/v2/")) {
        send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
      } else if (path.equals("/v2/evil/app/manifests/1")
          || path.equals("/v2/evil/app/manifests/" + manifestDigest)) {
        send(ex, 200, manifest, MediaType.OCI_MANIFEST);
      } else if (blobs.containsKey(path)) {
        byte[] b = blobs.get(path);
        boolean isLayer = path.endsWith(layerDigest.toString());
        int n = isLayer ? blobRequests.incrementAndGet() : 0;
        if (isLayer && mode == Mode.REDIRECT_LOOP) {
          ex.getResponseHeaders().set("Location", path);
          ex.sendResponseHeaders(307, -1);
        } else if (isLayer && mode == Mode.FLAKY && n <= 2) {
          ex.sendResponseHeaders(503, -1);
        } else if (isLayer && mode == Mode.TRUNCATED_THEN_RANGE && n > 1) {
          String range = ex.getRequestHeaders().getFirst("Range");
          int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
          ex.getResponseHeaders()
              .set("Content-Range", "bytes " + from + "-" + (b.length - 1) + "/" + b.length);
          ex.sendResponseHeaders(range == null ? 200 : 206, b.length - from);
          ex.getResponseBody().write(b, from, b.length - from);
        } else if (isLayer && (mode == Mode.TRUNCATED_BODY || mode == Mode.TRUNCATED_THEN_RANGE)) {
          ex.sendResponseHeaders(200, b.length);
          OutputStream out = ex.getResponseBody();
          out.write(b, 0, b.length / 2);
          out.flush();
          // Drop the connection mid-body: the client sees fewer bytes than Content-Length.
          throw new IOException("truncating on purpose");
        } else {
          send(ex, 200, b, "application/octet-stream");
        }
      } else {
        send(
            ex,
            404,
            "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":\"unknown\"}]}"
                .getBytes(StandardCharsets.UTF_8),
            "application/json");
      }
    }
  }

  private static void send(HttpExchange ex, int status, byte[] body, String type)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
      ex.sendResponseHeaders(status, -1);
      return;
    }
    ex.sendResponseHeaders(status, body.length);
    ex.getResponseBody().write(body);
  }

  private static byte[] garbage() {
    byte[] b = new byte[4096];
    new java.util.Random(8).nextBytes(b);
    b[0] = 0x1f;
    b[1] = (byte) 0x8b;
    return b;
  }

  static byte[] tar(String name, String content) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bos)) {
      byte[] b = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(b.length);
      e.setModTime(0);
      t.putArchiveEntry(e);
      t.write(b);
      t.closeArchiveEntry();
    }
    return bos.toByteArray();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    // stored (level 0): same-length inputs give same-length streams
    try (GZIPOutputStream z =
        new GZIPOutputStream(bos) {
          {
            def.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
          }
        }) {
      z.write(b);
    }
    return bos.toByteArray();
  }

  static String json(Object o) {
    return Json.text(Json.object().put("v", String.valueOf(o)));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
