package dev.strata.build;

import java.nio.file.Path;

/**
 * One {@code --output type=...,dest=...}.
 *
 * @param type oci (layout dir), oci-archive, docker-archive or local (the rootfs as files)
 * @param dest where
 */
public record BuildOutput(String type, Path dest) {
  public BuildOutput {
    switch (type) {
      case "oci", "oci-archive", "docker-archive", "local" -> {}
      default -> throw new BuildException(
          "--output type=" + type + ": want oci, oci-archive, docker-archive or local");
    }
  }

  /** Parses {@code type=T,dest=D} (docker buildx's syntax); a bare path means type=local. */
  public static BuildOutput parse(String s) {
    String type = null;
    String dest = null;
    if (!s.contains("=")) {
      return new BuildOutput("local", Path.of(s));
    }
    for (String part : s.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new BuildException("--output " + s + ": want type=TYPE,dest=PATH");
      }
      String k = part.substring(0, eq).strip();
      String v = part.substring(eq + 1).strip();
      switch (k) {
        case "type" -> type = v;
        case "dest" -> dest = v;
        default -> throw new BuildException("--output " + s + ": unknown key " + k);
      }
    }
    if (type == null || dest == null) {
      throw new BuildException("--output " + s + ": want type=TYPE,dest=PATH");
    }
    return new BuildOutput(type, Path.of(dest));
  }
}
