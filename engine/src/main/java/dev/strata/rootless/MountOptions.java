package dev.strata.rootless;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The per-mount options of the mount that holds a path, from {@code /proc/self/mountinfo}: the
 * chroot rung makes /dev nodes with mknod in the store, and on a {@code nodev} mount (podman's
 * {@code --tmpfs} default, many CI volumes) opening them fails with a bare EACCES in the step;
 * knowing it up front lets the progress line name the store and the fix instead.
 */
final class MountOptions {
  private MountOptions() {}

  /** The options of the mount holding {@code path} (resolved), or empty when none is found. */
  static Optional<Set<String>> of(Path path) throws IOException {
    return of(path.toRealPath(), Files.readAllLines(Path.of("/proc/self/mountinfo")));
  }

  /**
   * From mountinfo lines ({@code ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ...}): the longest mount
   * point containing {@code path}; of several at one point, the last (the one on top).
   */
  static Optional<Set<String>> of(Path path, List<String> mountinfo) {
    Set<String> best = null;
    int bestDepth = -1;
    for (String line : mountinfo) {
      String[] f = line.split(" ");
      if (f.length < 6) {
        continue;
      }
      Path point = Path.of(unescape(f[4]));
      if (path.startsWith(point) && point.getNameCount() >= bestDepth) {
        bestDepth = point.getNameCount();
        best = Set.of(f[5].split(","));
      }
    }
    return Optional.ofNullable(best);
  }

  /** mountinfo writes space, tab, newline and backslash in a path as {@code \ooo}. */
  static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
