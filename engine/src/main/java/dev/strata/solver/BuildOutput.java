package dev.strata.solver;

import java.nio.file.Path;

/**
 * One {@code --output type=...,dest=...}.
 *
 * @param type oci (layout dir), oci-archive, docker-archive, local (the rootfs as files) or
 *     registry (pushed by the caller, which holds the registry options)
 * @param dest where, for every type but registry
 * @param name the reference to push to, for registry
 */
public record BuildOutput(String type, Path dest, String name) {
  public BuildOutput {
    switch (type) {
      case "oci", "oci-archive", "docker-archive", "local" -> {
        if (dest == null) {
          throw new BuildException("--output type=" + type + ": want dest=PATH");
        }
      }
      case "registry" -> {
        if (name == null || name.isEmpty()) {
          throw new BuildException("--output type=registry: want name=REF");
        }
      }
      default ->
          throw new BuildException(
              "--output type="
                  + type
                  + ": want oci, oci-archive, docker-archive, local or registry");
    }
  }

  public BuildOutput(String type, Path dest) {
    this(type, dest, null);
  }

  /** Parses {@code type=T,dest=D} (docker buildx's syntax); a bare path means type=local. */
  public static BuildOutput parse(String s) {
    String type = null;
    String dest = null;
    String name = null;
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
        case "name" -> name = v; // buildx: type=registry,name=REF
        default -> throw new BuildException("--output " + s + ": unknown key " + k);
      }
    }
    if (type == null) {
      throw new BuildException("--output " + s + ": want type=TYPE,dest=PATH");
    }
    if (type.equals("registry")) {
      return new BuildOutput(type, null, name != null ? name : dest);
    }
    if (dest == null) {
      throw new BuildException("--output " + s + ": want type=TYPE,dest=PATH");
    }
    return new BuildOutput(type, Path.of(dest), null);
  }
}
