package dev.strata.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A process with the store open and work in progress in every work area (a 1000-byte file in each,
 * and a 0000 directory in {@code layers/work} as overlayfs leaves its {@code work/work}); it writes
 * its session's {@code tmp/} path to {@code args[1]} and waits to be killed. With {@code args[2]} =
 * "close" it closes the store and exits instead.
 */
public final class SessionHolder {
  public static void main(String[] args) throws Exception {
    Store s = Store.open(Path.of(args[0]));
    for (WorkArea a : WorkArea.values()) {
      Path d = Files.createDirectories(s.workDir(a).resolve("work"));
      Files.write(d.resolve("data"), new byte[1000]);
    }
    Path locked = Files.createDirectory(s.workDir(WorkArea.LAYERS_WORK).resolve("work/work"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    Path ready = Path.of(args[1]);
    Files.writeString(ready.resolveSibling(ready.getFileName() + ".part"), s.tmp().toString());
    Files.move(ready.resolveSibling(ready.getFileName() + ".part"), ready);
    if (args.length > 2 && args[2].equals("close")) {
      s.close();
      return;
    }
    Thread.sleep(120_000);
  }
}
