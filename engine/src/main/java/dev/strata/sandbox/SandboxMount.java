package dev.strata.sandbox;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One extra mount in the sandbox (the base of {@code RUN --mount} and {@code strata run -v}),
 * checked at creation. Mounts are made in the order of {@link SandboxSpec#mounts()}, after /proc,
 * /dev and resolv.conf, so a later one may lie inside an earlier one. The target is resolved inside
 * the rootfs (symlinks too, never out of it, as runc's securejoin does); when missing it is
 * created, with its missing parents, and removed after the command, so no mount point reaches a
 * layer.
 *
 * @param kind a bind of a host path, or a fresh tmpfs
 * @param source bind: the absolute host path, a file or a directory (checked by the runner); tmpfs:
 *     empty
 * @param target the absolute path inside the rootfs, normalised lexically as docker's
 *     filepath.Clean does ("/a/../b/" is "/b"); never "/"
 * @param readOnly a read-only mount (a bind of a directory: its top mount only, not mounts below
 *     the source)
 * @param tmpfsSizeBytes tmpfs: its size limit (rounded up to pages by the kernel); empty: the
 *     kernel's default, half of RAM
 * @param tmpfsMode tmpfs: the mode of its root; empty: 1777, the kernel's default
 */
public record SandboxMount(
    Kind kind,
    Optional<Path> source,
    String target,
    boolean readOnly,
    OptionalLong tmpfsSizeBytes,
    OptionalInt tmpfsMode) {

  /** What is mounted. */
  public enum Kind {
    /** A host file or directory, with whatever is mounted below it (MS_BIND | MS_REC). */
    BIND,
    /** An empty tmpfs, nosuid and nodev (as BuildKit's type=tmpfs and podman's --tmpfs). */
    TMPFS
  }

  public SandboxMount {
    if (kind == null) {
      throw new IllegalArgumentException("mount at " + target + ": no kind");
    }
    target = cleanTarget(target);
    String at = kind.name().toLowerCase() + " mount at " + target;
    if (kind == Kind.BIND) {
      Path s = source.orElseThrow(() -> new IllegalArgumentException(at + ": no source"));
      if (!s.isAbsolute()) {
        throw new IllegalArgumentException(at + ": source " + s + " is not an absolute path");
      }
      if (tmpfsSizeBytes.isPresent() || tmpfsMode.isPresent()) {
        throw new IllegalArgumentException(at + ": size and mode are tmpfs options");
      }
    } else if (source.isPresent()) {
      throw new IllegalArgumentException(at + ": a tmpfs has no source");
    }
    tmpfsSizeBytes.ifPresent(
        n -> {
          if (n <= 0) {
            // size=0 means "no limit" to the kernel, never what a caller asking for 0 meant.
            throw new IllegalArgumentException(at + ": size " + n + " is not positive");
          }
        });
    tmpfsMode.ifPresent(
        m -> {
          if (m < 0 || m > 07777) {
            throw new IllegalArgumentException(
                at + ": mode " + Integer.toOctalString(m) + " is not a file mode");
          }
        });
  }

  /** A bind of host path {@code source} (absolute) at {@code target}. */
  public static SandboxMount bind(Path source, String target, boolean readOnly) {
    return new SandboxMount(
        Kind.BIND,
        Optional.of(source),
        target,
        readOnly,
        OptionalLong.empty(),
        OptionalInt.empty());
  }

  /** A read-write tmpfs at {@code target}, mode 1777, of {@code sizeBytes} or the default size. */
  public static SandboxMount tmpfs(String target, OptionalLong sizeBytes) {
    return new SandboxMount(
        Kind.TMPFS, Optional.empty(), target, false, sizeBytes, OptionalInt.empty());
  }

  public SandboxMount withReadOnly(boolean ro) {
    return new SandboxMount(kind, source, target, ro, tmpfsSizeBytes, tmpfsMode);
  }

  public SandboxMount withTmpfsMode(int mode) {
    return new SandboxMount(kind, source, target, readOnly, tmpfsSizeBytes, OptionalInt.of(mode));
  }

  /**
   * "/a/./b//../c/" -> "/a/c", lexically (Go's filepath.Clean, which docker and BuildKit apply to
   * mount targets); ".." at the root stays at the root. Symlinks are the helper's business.
   */
  static String cleanTarget(String target) {
    if (target == null || !target.startsWith("/")) {
      throw new IllegalArgumentException("mount target " + target + " is not an absolute path");
    }
    if (target.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("mount target " + target + " contains a NUL");
    }
    List<String> names = new ArrayList<>();
    for (String n : target.split("/")) {
      if (n.isEmpty() || n.equals(".")) {
        continue;
      }
      if (n.equals("..")) {
        if (!names.isEmpty()) {
          names.remove(names.size() - 1);
        }
      } else {
        names.add(n);
      }
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("mount target " + target + " is the root itself");
    }
    return "/" + String.join("/", names);
  }
}
