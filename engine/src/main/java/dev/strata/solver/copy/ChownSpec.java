package dev.strata.solver.copy;

import dev.strata.layer.RootReader;
import dev.strata.posix.FileStat;
import dev.strata.solver.BuildException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --chown=user[:group]} resolved to ids through the stage's own /etc/passwd and /etc/group
 * (read inside the rootfs), as Docker does. A user alone means its primary group.
 */
final class ChownSpec {
  private ChownSpec() {}

  /** {uid, gid}. */
  static int[] resolve(String spec, Path rootfs) throws IOException {
    String user = spec;
    String group = null;
    int colon = spec.indexOf(':');
    if (colon >= 0) {
      user = spec.substring(0, colon);
      group = spec.substring(colon + 1);
    }
    int uid;
    int primary = -1;
    if (user.matches("\\d+")) {
      uid = Integer.parseInt(user);
      primary = uid;
      String[] pw = lookup(rootfs, "etc/passwd", 2, user);
      if (pw != null) {
        primary = Integer.parseInt(pw[3]);
      }
    } else {
      String[] pw = lookup(rootfs, "etc/passwd", 0, user);
      if (pw == null) {
        throw new BuildException(
            "--chown=" + spec + ": unable to find user " + user + " in the stage's /etc/passwd");
      }
      uid = Integer.parseInt(pw[2]);
      primary = Integer.parseInt(pw[3]);
    }
    int gid;
    if (group == null || group.isEmpty()) {
      gid = primary;
    } else if (group.matches("\\d+")) {
      gid = Integer.parseInt(group);
    } else {
      String[] gr = lookup(rootfs, "etc/group", 0, group);
      if (gr == null) {
        throw new BuildException(
            "--chown=" + spec + ": unable to find group " + group + " in the stage's /etc/group");
      }
      gid = Integer.parseInt(gr[2]);
    }
    return new int[] {uid, gid};
  }

  /** {uid, gid} as recorded: {@code "uid:gid"}. */
  static String format(int[] ids) {
    return ids[0] + ":" + ids[1];
  }

  /** The inverse of {@link #format}. */
  static int[] parse(String ids) {
    int colon = ids.indexOf(':');
    return new int[] {
      Integer.parseInt(ids.substring(0, colon)), Integer.parseInt(ids.substring(colon + 1))
    };
  }

  private static String[] lookup(Path rootfs, String file, int field, String value)
      throws IOException {
    // the stage's /etc/passwd may be a link anywhere: read it inside the rootfs only
    List<String> lines;
    try (RootReader r = new RootReader(rootfs, RootReader.NONE)) {
      String found = r.find(file, true);
      FileStat st = found == null ? null : r.lstat(found);
      if (st == null || !st.isRegularFile()) {
        return null;
      }
      try (BufferedReader in =
          new BufferedReader(Channels.newReader(r.openFile(found), StandardCharsets.UTF_8))) {
        lines = in.lines().toList();
      }
    }
    for (String l : lines) {
      String[] f = l.split(":", -1);
      if (f.length > Math.max(field, 3) && f[field].equals(value)) {
        return f;
      }
    }
    return null;
  }
}
