package dev.strata.transport;

import dev.strata.oci.InvalidReferenceException;
import dev.strata.registry.RemoteImage;
import java.nio.file.Path;

/**
 * A place an image is pulled from or pushed to, in skopeo's transport syntax: {@code docker://REF},
 * {@code oci:DIR[:TAG]}, {@code oci-archive:FILE}, {@code docker-archive:FILE}. A bare reference is
 * a registry reference, as {@code podman pull busybox} reads it.
 */
public sealed interface ImageLocation {
  record Registry(RemoteImage image) implements ImageLocation {
    @Override
    public String toString() {
      return "docker://" + image;
    }
  }

  /**
   * An OCI image layout directory; {@code tag} is the ref.name annotation, null for "the only one".
   */
  record OciLayout(Path dir, String tag) implements ImageLocation {
    @Override
    public String toString() {
      return "oci:" + dir + (tag == null ? "" : ":" + tag);
    }
  }

  record OciArchive(Path file) implements ImageLocation {
    @Override
    public String toString() {
      return "oci-archive:" + file;
    }
  }

  record DockerArchive(Path file) implements ImageLocation {
    @Override
    public String toString() {
      return "docker-archive:" + file;
    }
  }

  /** Parses a location; throws {@link IllegalArgumentException} naming the input. */
  static ImageLocation parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new IllegalArgumentException("empty image location");
    }
    try {
      if (s.startsWith("docker://")) {
        return new Registry(RemoteImage.parse(s.substring("docker://".length())));
      }
      if (s.startsWith("oci:")) {
        String rest = s.substring(4);
        int colon = rest.lastIndexOf(':');
        String tail = colon < 0 ? "" : rest.substring(colon + 1);
        if (colon > 0 && !tail.isEmpty() && !tail.contains("/")) {
          return new OciLayout(path(s, rest.substring(0, colon)), tail);
        }
        return new OciLayout(path(s, rest), null);
      }
      if (s.startsWith("oci-archive:")) {
        return new OciArchive(path(s, s.substring("oci-archive:".length())));
      }
      if (s.startsWith("docker-archive:")) {
        return new DockerArchive(path(s, s.substring("docker-archive:".length())));
      }
      int colon = s.indexOf(':');
      int slash = s.indexOf('/');
      // "ftp://x", "dir:/path": a transport we do not know, not a "host:port/..." reference
      if (colon > 0
          && (slash < 0 || colon < slash)
          && s.substring(0, colon).matches("[a-z-]+")
          && s.startsWith("/", colon + 1)) {
        throw new IllegalArgumentException(
            "unknown transport \""
                + s.substring(0, colon)
                + ":\" in \""
                + s
                + "\" (docker://, oci:, oci-archive:, docker-archive:)");
      }
      return new Registry(RemoteImage.parse(s));
    } catch (InvalidReferenceException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static Path path(String whole, String p) {
    if (p.isEmpty()) {
      throw new IllegalArgumentException("\"" + whole + "\" names no path");
    }
    return Path.of(p);
  }
}
