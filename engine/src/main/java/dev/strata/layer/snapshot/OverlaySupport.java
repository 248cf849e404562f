package dev.strata.layer.snapshot;

import dev.strata.posix.FsMount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether this process may mount overlayfs, and with which xattr namespace. In a user namespace
 * (kernel >= 5.11) overlayfs needs the {@code userxattr} option and then keeps its own attributes
 * under {@code user.overlay.*}; as real root it uses {@code trusted.overlay.*}.
 *
 * @param reason why not, when unsupported
 */
public record OverlaySupport(boolean supported, boolean userxattr, String reason) {
  static final String RECORD = "overlay-support";

  /** The opaque-directory xattr overlayfs reads in this mode. */
  public String opaqueXattr() {
    return (userxattr ? "user" : "trusted") + ".overlay.opaque";
  }

  /** True when this process runs in a user namespace other than the initial one. */
  static boolean inUserNamespace() throws IOException {
    String map = Files.readString(Path.of("/proc/self/uid_map")).trim();
    return !map.matches("0\\s+0\\s+4294967295");
  }

  /**
   * Checks once by mounting a tiny overlay in {@code tmp} (this process's: a check cut short is
   * swept with it); the answer is kept in a file in {@code root}.
   */
  static OverlaySupport check(Path root, Path tmp) throws IOException {
    Files.createDirectories(root);
    Path record = root.resolve(RECORD);
    boolean userns = inUserNamespace();
    if (Files.exists(record)) {
      List<String> l = Files.readAllLines(record, StandardCharsets.UTF_8);
      if (l.size() >= 2 && l.get(1).equals("userns=" + userns)) {
        return new OverlaySupport(l.get(0).equals("yes"), userns, l.size() > 2 ? l.get(2) : "");
      }
    }
    Files.createDirectories(tmp);
    Path t = Files.createTempDirectory(tmp, "overlay-check-");
    OverlaySupport s;
    try {
      for (String d : List.of("lower", "upper", "work", "merged")) {
        Files.createDirectory(t.resolve(d));
      }
      FsMount.mount(
          "overlay",
          t.resolve("merged"),
          "overlay",
          0,
          OverlaySnapshotter.options(
              List.of(t.resolve("lower")), t.resolve("upper"), t.resolve("work"), userns));
      FsMount.umount(t.resolve("merged"), false);
      s = new OverlaySupport(true, userns, "");
    } catch (IOException e) {
      s = new OverlaySupport(false, userns, e.getMessage());
    } finally {
      dev.strata.layer.Trees.removeAll(t);
    }
    Files.writeString(
        record,
        (s.supported() ? "yes" : "no") + "\nuserns=" + userns + "\n" + s.reason() + "\n",
        StandardCharsets.UTF_8);
    return s;
  }
}
