package dev.strata.cli;

import dev.strata.sandbox.SandboxMount;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Supplier;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code strata run -v SRC:DST[:ro|rw]} and {@code --tmpfs DST[:OPT,...]} as podman run takes them
 * (podman-run(1) --volume, --tmpfs); a malformed value is a usage error. Podman's named volumes and
 * SELinux/propagation options are not supported, and say so.
 */
final class MountArgs {
  private MountArgs() {}

  /** {@code -v SRC:DST[:ro|rw]}: SRC a host path (made absolute), DST absolute inside. */
  static final class VolumeConverter implements ITypeConverter<SandboxMount> {
    @Override
    public SandboxMount convert(String value) {
      String[] p = value.split(":", -1);
      if (p.length < 2 || p.length > 3 || p[0].isEmpty() || p[1].isEmpty()) {
        throw new TypeConversionException(
            "-v " + value + ": expected SRC:DST[:ro|rw] (a host path, not a named volume)");
      }
      if (p.length == 3 && !p[2].equals("ro") && !p[2].equals("rw")) {
        throw new TypeConversionException(
            "-v " + value + ": option " + p[2] + " is not supported (only ro or rw)");
      }
      boolean ro = p.length == 3 && p[2].equals("ro");
      return checked(
          "-v " + value, () -> SandboxMount.bind(Path.of(p[0]).toAbsolutePath(), p[1], ro));
    }
  }

  /** {@code --tmpfs DST[:OPT,...]}, OPT: size=N[k|m|g], mode=OCTAL, ro, rw. */
  static final class TmpfsConverter implements ITypeConverter<SandboxMount> {
    @Override
    public SandboxMount convert(String value) {
      int colon = value.indexOf(':');
      String target = colon < 0 ? value : value.substring(0, colon);
      OptionalLong size = OptionalLong.empty();
      OptionalInt mode = OptionalInt.empty();
      boolean ro = false;
      if (colon >= 0) {
        for (String o : value.substring(colon + 1).split(",", -1)) {
          if (o.equals("ro") || o.equals("rw")) {
            ro = o.equals("ro");
          } else if (o.startsWith("size=")) {
            size = OptionalLong.of(bytes(value, o.substring(5)));
          } else if (o.startsWith("mode=") && o.substring(5).matches("[0-7]{1,4}")) {
            mode = OptionalInt.of(Integer.parseInt(o.substring(5), 8));
          } else {
            throw new TypeConversionException(
                "--tmpfs "
                    + value
                    + ": option "
                    + o
                    + " is not supported (size=N[k|m|g], mode=OCTAL, ro or rw)");
          }
        }
      }
      boolean readOnly = ro;
      OptionalLong s = size;
      OptionalInt m = mode;
      return checked(
          "--tmpfs " + value,
          () -> {
            SandboxMount t = SandboxMount.tmpfs(target, s).withReadOnly(readOnly);
            return m.isPresent() ? t.withTmpfsMode(m.getAsInt()) : t;
          });
    }

    /** "64m" -> 67108864, as tmpfs(5) reads size= (no %: a share of RAM is no size to promise). */
    private static long bytes(String value, String n) {
      String s = n.toLowerCase(Locale.ROOT);
      long unit = 1;
      if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
        unit =
            switch (s.charAt(s.length() - 1)) {
              case 'k' -> 1L << 10;
              case 'm' -> 1L << 20;
              default -> 1L << 30;
            };
        s = s.substring(0, s.length() - 1);
      }
      if (!s.matches("[0-9]{1,15}")) {
        throw new TypeConversionException("--tmpfs " + value + ": size " + n + " is not N[k|m|g]");
      }
      return Math.multiplyExact(Long.parseLong(s), unit);
    }
  }

  /**
   * Parents before children whatever the order given, as podman and docker sort mounts (by the
   * depth of the target), so {@code -v a:/x -v b:/x/y} and the reverse mean the same.
   */
  static List<SandboxMount> ordered(List<SandboxMount> volumes, List<SandboxMount> tmpfs) {
    List<SandboxMount> all = new ArrayList<>(volumes);
    all.addAll(tmpfs);
    all.sort(Comparator.comparingLong(m -> m.target().chars().filter(c -> c == '/').count()));
    return all;
  }

  private static SandboxMount checked(String what, Supplier<SandboxMount> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(what + ": " + e.getMessage());
    }
  }
}
