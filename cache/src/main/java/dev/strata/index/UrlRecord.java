package dev.strata.index;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import java.time.Instant;

/**
 * What the last download of an ADD URL answered: its entity tag, to ask the server next time
 * whether the body changed ({@code If-None-Match}, as BuildKit's http source asks), and what the
 * body was, so that a 304 gives the step's cache key without the body.
 *
 * @param etag the ETag header as sent (quotes and W/ kept)
 * @param digest the body's sha256
 * @param lastModified the Last-Modified header, or null
 */
public record UrlRecord(String etag, Digest digest, Instant lastModified) {
  byte[] value() {
    ObjectNode o = Json.object();
    o.put("etag", etag);
    o.put("digest", digest.toString());
    if (lastModified != null) {
      o.put("lastModified", lastModified.toString());
    }
    return Json.bytes(o);
  }

  static UrlRecord decode(byte[] value) {
    ObjectNode o = Json.parseObject(value);
    String lm = o.path("lastModified").asText(null);
    return new UrlRecord(
        o.path("etag").asText(),
        Digest.parse(o.path("digest").asText()),
        lm == null ? null : Instant.parse(lm));
  }
}
