package dev.strata.solver.copy;

import dev.strata.codec.Compression;
import dev.strata.layer.LayerException;
import dev.strata.layer.RootResolver;
import dev.strata.layer.Unpacker;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.solver.BuildException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** ADD's local archives: recognised by content (not by name) and unpacked inside the rootfs. */
final class Archives {
  private Archives() {}

  /** A plain, gzip or zstd tar: the ustar magic at offset 257 of the uncompressed bytes. */
  static boolean isTar(CopySources sources, String path) throws IOException {
    try (InputStream in = Compression.decompressAny(new BufferedInputStream(open(sources, path)))) {
      byte[] head = in.readNBytes(263);
      if (head.length < 262) {
        return false;
      }
      String magic = new String(head, 257, 5, StandardCharsets.US_ASCII);
      return magic.equals("ustar");
    } catch (IOException e) {
      return false; // not decompressible: copied as a file
    }
  }

  /** The file {@code path} of {@code sources}, read through its root-scoped reader. */
  private static InputStream open(CopySources sources, String path) throws IOException {
    return Channels.newInputStream(sources.reader().openFile(path));
  }

  /**
   * Unpacks the archive {@code path} of {@code sources} into {@code destDir} (absolute in the
   * container) of {@code rootfs}.
   */
  static void extract(CopySources sources, String path, Path rootfs, String destDir)
      throws IOException {
    RootResolver r = new RootResolver(rootfs);
    Path dest = r.resolveAll(destDir, RootResolver.clean(destDir));
    List<Path> made = new ArrayList<>();
    for (Path p = dest; p.startsWith(rootfs) && !p.equals(rootfs); p = p.getParent()) {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        break;
      }
      made.add(p);
    }
    r.mkdirs(destDir, dest);
    try (InputStream in = open(sources, path)) {
      Unpacker.Options o =
          Unpacker.Options.defaults().withDevices(Unpacker.Devices.SKIP).skippingRootEntries();
      new Unpacker(o).unpack(in, dest);
    } catch (LayerException e) {
      throw new BuildException("ADD " + path + ": " + e.getMessage(), e);
    }
    // the directories made for it take the archive's time, not the clock's (issue 18 row B)
    FileStat st = sources.reader().lstat(path);
    for (Path p : made) {
      Posix.lutimes(p, st.mtimeSec(), st.mtimeNsec());
    }
  }
}
