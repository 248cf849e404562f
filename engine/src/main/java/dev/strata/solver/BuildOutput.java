package dev.strata.solver;

import dev.strata.codec.Compression;
import java.nio.file.Path;

/**
 * One {@code --output type=...,dest=...}.
 *
 * @param type oci (layout dir), oci-archive, docker-archive, local (the rootfs as files) or
 *     registry (pushed)
 * @param dest where, for every type but registry
 * @param name the reference to push to, for registry
 * @param compression how a registry output's layers are compressed (null: gzip)
 */
public record BuildOutput(String type, Path dest, String name, Compression compression) {
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
    this(type, dest, null, null);
  }

  public BuildOutput(String type, Path dest, String name) {
    this(type, dest, name, null);
  }

  /** This output with its layers compressed as {@code c} (what a registry output pushes). */
  public BuildOutput withCompression(Compression c) {
    return new BuildOutput(type, dest, name, c);
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
