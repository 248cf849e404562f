package dev.strata.frontend.plan;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * One {@code RUN --mount}, expanded and checked (BuildKit's instructions/commands_runmount.go).
 *
 * @param type bind, cache, tmpfs, secret or ssh
 * @param target the path inside the container, relative ones inside the step's WORKDIR ({@code
 *     "."}, the WORKDIR itself, when a bind, cache or tmpfs mount names none, as BuildKit); for
 *     secret and ssh, may be null: a default applies
 * @param source the path in {@code from} (or the context), null when not given
 * @param from a stage name or index, or an image reference; null for the build context
 * @param readOnly bind mounts default to read-only, cache mounts to read-write
 * @param id the cache, secret or ssh id; null when not given
 * @param sharing shared, private or locked (cache mounts)
 * @param mode file mode for cache, secret and ssh mounts, null when not given
 * @param uid owner uid, null when not given
 * @param gid owner gid, null when not given
 * @param required whether a missing secret or ssh agent is an error
 * @param size tmpfs size, null when not given
 * @param env for secret mounts, the variable to expose the secret as, null when not given
 */
public record Mount(
    String type,
    String target,
    String source,
    String from,
    boolean readOnly,
    String id,
    String sharing,
    String mode,
    Long uid,
    Long gid,
    boolean required,
    String size,
    String env) {

  /**
   * The tmpfs {@code size} in bytes ({@link RunMountConverter} has checked that it parses), empty
   * when not given.
   */
  public OptionalLong sizeBytes() {
    return size == null || size.isEmpty() ? OptionalLong.empty() : OptionalLong.of(bytes(size));
  }

  /** The {@code mode} bits ({@link RunMountConverter} has checked it is octal), or {@code dflt}. */
  public int modeOr(int dflt) {
    return mode == null ? dflt : Integer.parseInt(mode, 8);
  }

  /**
   * tmpfs {@code size=}: bytes, or with a k/m/g suffix (as mount(8) takes it); throws
   * NumberFormatException or ArithmeticException when it is not one.
   */
  static long bytes(String size) {
    String s = size.strip().toLowerCase(Locale.ROOT);
    long unit = 1;
    char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
    if ("kmg".indexOf(last) >= 0) {
      unit = last == 'k' ? 1L << 10 : last == 'm' ? 1L << 20 : 1L << 30;
      s = s.substring(0, s.length() - 1);
    }
    return Math.multiplyExact(Long.parseLong(s), unit);
  }
}
