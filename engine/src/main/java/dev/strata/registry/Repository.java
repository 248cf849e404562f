package dev.strata.registry;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The distribution API (OCI distribution-spec) on one repository: manifests, blobs, uploads and
 * mounts. Every byte read is checked: documents against their digest and a size limit, blobs by the
 * caller against their digest while they stream (see {@link BlobInputStream}).
 */
final class Repository {
  static final String ACCEPT =
      String.join(
          ", ",
          MediaType.OCI_MANIFEST,
          MediaType.OCI_INDEX,
          MediaType.DOCKER_MANIFEST,
          MediaType.DOCKER_MANIFEST_LIST);

  private final HttpSession http;
  private final String name;
  private final RegistryOptions opts;

  Repository(HttpSession http, String name, RegistryOptions opts) {
    this.http = http;
    this.name = name;
    this.opts = opts;
  }

  String name() {
    return name;
  }

  String shown() {
    return http.registry() + "/" + name;
  }

  /** A manifest or index, read whole (bounded by {@code maxManifestBytes}), with its digest. */
  record Document(byte[] bytes, String mediaType, Digest digest) {}

  /**
   * Fetches {@code reference} (a tag or digest). When {@code expected} is not null the bytes must
   * hash to it; a Docker-Content-Digest header that disagrees with the bytes is refused too.
   */
  Document manifest(String reference, Digest expected) {
    String sep = reference.startsWith("sha256:") || reference.startsWith("sha512:") ? "@" : ":";
    String action = "fetch manifest " + shown() + sep + reference;
    HttpResponse<InputStream> r =
        http.send(
            action,
            "GET",
            "/v2/" + name + "/manifests/" + reference,
            Map.of("Accept", ACCEPT),
            null,
            true);
    if (r.statusCode() != 200) {
      throw http.failure(action, r);
    }
    long max = opts.maxManifestBytes();
    long announced = r.headers().firstValueAsLong("Content-Length").orElse(-1);
    if (announced > max) {
      Responses.discard(r);
      throw new RegistryException(
          action
              + ": manifest is "
              + announced
              + " bytes, more than the "
              + max
              + "-byte limit; refused");
    }
    byte[] bytes;
    try (InputStream in = r.body()) {
      bytes = in.readNBytes((int) max + 1);
    } catch (IOException e) {
      throw new RegistryException(action + ": " + Responses.describe(e), e);
    }
    if (bytes.length > max) {
      throw new RegistryException(
          action + ": manifest is more than the " + max + "-byte limit; refused");
    }
    Digest got = Digest.sha256(bytes);
    if (expected != null && !expected.equals(got)) {
      throw new RegistryException(
          action + ": manifest refused: its bytes hash to " + got + ", not " + expected);
    }
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent()
        && header.get().startsWith("sha256:")
        && !header.get().equals(got.toString())) {
      throw new RegistryException(
          action
              + ": manifest refused: its bytes hash to "
              + got
              + ", the registry says "
              + header.get());
    }
    String type =
        r.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
    if (!MediaType.isManifest(type) && !MediaType.isIndex(type)) {
      try {
        type = Json.parse(bytes).path("mediaType").asText("");
      } catch (InvalidJsonException e) {
        throw new RegistryException(action + ": not a JSON manifest: " + e.getMessage());
      }
      if (type.isEmpty()) {
        // image-spec 1.0 manifests may omit mediaType; an index has "manifests", a manifest
        // "config"
        type =
            new String(bytes, StandardCharsets.UTF_8).contains("\"manifests\"")
                ? MediaType.OCI_INDEX
                : MediaType.OCI_MANIFEST;
      }
    }
    if (!MediaType.isManifest(type) && !MediaType.isIndex(type)) {
      throw new RegistryException(
          action + ": unsupported manifest type " + type + " (schema 1 is not supported)");
    }
    return new Document(bytes, type, got);
  }

  /** HEAD a blob: does the registry have it? */
  boolean hasBlob(Digest d) {
    String action = "check blob exists for " + shown() + "@" + d;
    HttpResponse<InputStream> r =
        http.send(action, "HEAD", "/v2/" + name + "/blobs/" + d, Map.of(), null, true);
    Responses.discard(r);
    return switch (r.statusCode()) {
      case 200 -> true;
      case 404 -> false;
      default -> throw http.failure(action, r);
    };
  }

  /** A blob's bytes; the stream refuses more than {@code d.size()} and resumes after a reset. */
  InputStream blob(Descriptor d) {
    return new BlobInputStream(
        http,
        opts,
        "fetch blob " + shown() + "@" + d.digest(),
        "/v2/" + name + "/blobs/" + d.digest(),
        d.size());
  }

  /** A small blob (a config) read whole and verified. */
  byte[] smallBlob(Descriptor d, long max) {
    String action = "fetch blob " + shown() + "@" + d.digest();
    if (d.size() > max) {
      throw new RegistryException(
          action + ": " + d.size() + " bytes is more than the " + max + "-byte limit for a config");
    }
    byte[] bytes;
    try (InputStream in = blob(d)) {
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw new RegistryException(action + ": " + Responses.describe(e), e);
    }
    Digest got = Digest.sha256(bytes);
    if (!got.equals(d.digest())) {
      throw new RegistryException(action + ": blob refused: its bytes hash to " + got);
    }
    return bytes;
  }

  /**
   * Uploads a blob: tries a cross-repository mount from {@code mountFrom} (may be null) first;
   * otherwise one PUT (small blobs) or PATCH chunks then PUT. A failed upload starts again, up to
   * the retry limit. Returns true when the blob was mounted rather than sent.
   */
  boolean upload(Digest d, long size, BlobUpload.BlobSource source, String mountFrom) {
    return new BlobUpload(http, name, opts, "upload blob " + shown() + "@" + d)
        .upload(d, size, source, mountFrom);
  }

  /** PUTs a manifest under {@code reference} (a tag or its digest); returns its digest. */
  Digest putManifest(String reference, byte[] bytes, String mediaType) {
    Digest d = Digest.sha256(bytes);
    String action = "push manifest " + shown() + (reference.contains(":") ? "@" : ":") + reference;
    HttpResponse<InputStream> r =
        http.send(
            action,
            "PUT",
            "/v2/" + name + "/manifests/" + reference,
            Map.of("Content-Type", mediaType),
            () -> HttpRequest.BodyPublishers.ofByteArray(bytes),
            true);
    if (r.statusCode() != 201 && r.statusCode() != 200) {
      throw http.failure(action, r);
    }
    Responses.discard(r);
    Optional<String> header = r.headers().firstValue("Docker-Content-Digest");
    if (header.isPresent() && !header.get().equals(d.toString())) {
      throw new RegistryException(
          action + ": the registry stored it as " + header.get() + ", not " + d);
    }
    return d;
  }
}
