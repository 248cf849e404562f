package dev.strata.layer;

import dev.strata.layer.tar.TarEntry;
import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/** The device nodes of one unpack: made, skipped or refused as {@link Unpacker.Devices} says. */
final class DeviceNodes {
  private static final Logger LOG = Logger.getLogger(Unpacker.class.getName());

  private final Unpacker.Devices policy;
  private final List<String> warnings;
  private final List<String> skippedDevices = new ArrayList<>();
  private String whyDevicesSkipped;

  /** {@code warnings}: where each skipped node is listed. */
  DeviceNodes(Unpacker.Devices policy, List<String> warnings) {
    this.policy = policy;
    this.warnings = warnings;
  }

  /**
   * Kept in the warnings one by one but logged once per layer: a base image's /dev holds a dozen
   * nodes a rootless user can never make, and a dozen lines said nothing more than one.
   */
  private void skippedDevice(String what, String name, String why) {
    warnings.add("skipped " + what + " " + FileNames.display(name) + ": " + why);
    skippedDevices.add(FileNames.display(name));
    whyDevicesSkipped = why;
  }

  /** Logs the skipped nodes once, the first three by name. */
  void log() {
    if (skippedDevices.isEmpty()) {
      return;
    }
    int n = skippedDevices.size();
    LOG.warning(
        "skipped "
            + n
            + (n == 1 ? " device node (" : " device nodes (")
            + String.join(", ", skippedDevices.subList(0, Math.min(3, n)))
            + (n > 3 ? ", ..." : "")
            + "): "
            + whyDevicesSkipped);
  }

  /** Makes the device node of {@code e} at {@code target}, or says why not: false when skipped. */
  boolean make(Path target, TarEntry e) throws IOException {
    String what =
        (e.type() == TarEntry.CHAR ? "char" : "block")
            + " device "
            + e.devMajor()
            + ":"
            + e.devMinor();
    switch (policy) {
      case REFUSE -> throw new LayerException(e.name(), what + " not allowed here");
      case SKIP -> {
        skippedDevice(what, e.name(), "devices are not unpacked here");
        return false;
      }
      default -> {
        try {
          Posix.mknod(
              target,
              e.type() == TarEntry.CHAR ? FileStat.S_IFCHR : FileStat.S_IFBLK,
              0600,
              e.devMajor(),
              e.devMinor());
          return true;
        } catch (PosixException x) {
          if (x.errno() == Errno.EPERM || x.errno() == Errno.EACCES) {
            skippedDevice(
                what,
                e.name(),
                "this user may not create device nodes ("
                    + (x.errno() == Errno.EPERM ? "EPERM" : "EACCES")
                    + ")");
            return false;
          }
          throw x;
        }
      }
    }
  }
}
