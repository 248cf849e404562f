package dev.strata.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An image platform (image-spec image-index.md "platform"), e.g. {@code linux/amd64} or {@code
 * linux/arm64/v8}.
 */
public record Platform(String os, String architecture, String variant) {
  public Platform {
    if (os == null || os.isEmpty() || architecture == null || architecture.isEmpty()) {
      throw new IllegalArgumentException("a platform needs an os and an architecture");
    }
    if (variant != null && variant.isEmpty()) {
      variant = null;
    }
  }

  /** Parses {@code os/arch[/variant]}. */
  public static Platform parse(String s) {
    String[] p = s.split("/", -1);
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
      throw new IllegalArgumentException(
          "invalid platform \"" + s + "\": want os/arch[/variant], e.g. linux/amd64");
    }
    return new Platform(p[0], p[1], p.length == 3 ? p[2] : null);
  }

  /** The platform this JVM runs on, in Go's GOARCH names as OCI uses them. */
  public static Platform host() {
    String arch =
        switch (System.getProperty("os.arch")) {
          case "amd64", "x86_64" -> "amd64";
          case "aarch64", "arm64" -> "arm64";
          case "ppc64le" -> "ppc64le";
          case "s390x" -> "s390x";
          case "riscv64" -> "riscv64";
          default -> System.getProperty("os.arch");
        };
    return new Platform("linux", arch, "arm64".equals(arch) ? "v8" : null);
  }

  static Platform fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return null;
    }
    return new Platform(
        n.path("os").asText(null),
        n.path("architecture").asText(null),
        n.path("variant").asText(null));
  }

  ObjectNode toJson() {
    ObjectNode o = Json.object();
    o.put("architecture", architecture);
    o.put("os", os);
    if (variant != null) {
      o.put("variant", variant);
    }
    return o;
  }

  @Override
  public String toString() {
    return os + "/" + architecture + (variant == null ? "" : "/" + variant);
  }
}
