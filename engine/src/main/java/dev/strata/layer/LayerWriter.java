package dev.strata.layer;

import dev.strata.codec.BackgroundOutputStream;
import dev.strata.codec.Compression;
import dev.strata.codec.NonClosing;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarWriter;
import dev.strata.oci.Digest;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a layer from a directory tree or a list of {@link Change}s in one streaming pass that
 * computes the diffID, the compressed digest and the size. Entries are sorted by path, each
 * preceded by its parent directories; owners come from {@link Ownership#of} (so recorded owners
 * survive), xattrs are kept (minus Strata's and overlayfs's own), hard links between written files
 * stay links, no atime/ctime is written, and with a source date epoch every mtime later than it is
 * clamped to it (reproducible-builds.org SOURCE_DATE_EPOCH). The same tree and epoch give the same
 * bytes on any machine. Nothing is held in memory but the sorted list of names. Sockets are left
 * out, as docker and containerd do.
 */
public final class LayerWriter {
  private static final java.util.logging.Logger LOG =
      java.util.logging.Logger.getLogger(LayerWriter.class.getName());

  /**
   * @param compression NONE, GZIP (parallel blocks, pigz-style) or ZSTD (multithreaded)
   * @param sourceDateEpoch null, or the epoch second mtimes are clamped to
   */
  public record Options(Compression compression, Long sourceDateEpoch) {}

  /**
   * What was written.
   *
   * @param diffId sha256 of the tar
   * @param digest sha256 of the bytes written to the output
   * @param size bytes written to the output
   * @param uncompressedSize bytes of the tar
   */
  public record Written(
      Digest diffId, Digest digest, long size, long uncompressedSize, Compression compression) {}

  private final Options options;

  public LayerWriter(Options options) {
    this.options = options;
  }

  /**
   * Writes every file under {@code root} (not the root itself), except the relative paths in {@code
   * exclude}. {@code out} is not closed.
   */
  public Written writeTree(Path root, Set<String> exclude, OutputStream out) throws IOException {
    List<Change> all = new ArrayList<>();
    walk(root, "", all);
    all.removeIf(c -> exclude.contains(c.path()));
    return writeChanges(root, all, out);
  }

  private static void walk(Path dir, String prefix, List<Change> out) throws IOException {
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      ds.forEach(children::add);
    }
    for (Path c : children) {
      String rel = prefix + FileNames.name(c);
      out.add(new Change(rel, Change.Kind.CHANGED));
      if (Posix.lstat(c).isDirectory()) {
        walk(c, rel + "/", out);
      }
    }
  }

  /**
   * Writes {@code changes}, taking entries from {@code contentRoot} (the new tree, or an overlay
   * upper dir). Parent directories of every entry are written too, from {@code contentRoot}. {@code
   * out} is not closed.
   */
  public Written writeChanges(Path contentRoot, Collection<Change> changes, OutputStream out)
      throws IOException {
    // name in the archive -> the change it comes from (null: a parent directory)
    TreeMap<String, Change> plan = new TreeMap<>();
    for (Change c : changes) {
      String path = c.path();
      addParents(plan, path);
      switch (c.kind()) {
        case CHANGED -> plan.put(path, c);
        case OPAQUE -> {
          plan.put(path, c);
          plan.put(path + "/.wh..wh..opq", c);
        }
        case DELETED -> {
          int slash = path.lastIndexOf('/');
          String wh =
              slash < 0
                  ? ".wh." + path
                  : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
          plan.put(wh, c);
        }
      }
    }
    CountingOutput compressedCount = new CountingOutput(out);
    MessageDigest compressedHash = Digest.newSha256();
    boolean plain = options.compression() == Compression.NONE;
    // Uncompressed, the blob is the tar: hash it once.
    OutputStream compressor =
        plain
            ? NonClosing.of(compressedCount)
            : options
                .compression()
                .compress(NonClosing.of(new DigestOutputStream(compressedCount, compressedHash)));
    MessageDigest diffHash = Digest.newSha256();
    CountingOutput tarCount = new CountingOutput(new DigestOutputStream(compressor, diffHash));
    // This thread walks, stats and reads files into tar blocks; the digests and the compressor's
    // input run on another, as `tar -c | zstd` runs on two (see BackgroundOutputStream).
    BackgroundOutputStream handOff = new BackgroundOutputStream(tarCount, "strata-layer-digest");
    TarWriter tar = new TarWriter(handOff);
    try {
      writePlan(contentRoot, plan, tar);
    } catch (IOException | RuntimeException | Error e) {
      handOff.abort();
      try {
        tarCount.close(); // frees the compressor's native context and threads
      } catch (IOException | RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    tar.close();
    Digest diffId = Digest.fromSha256(diffHash.digest());
    return new Written(
        diffId,
        plain ? diffId : Digest.fromSha256(compressedHash.digest()),
        compressedCount.count,
        tarCount.count,
        options.compression());
  }

  private void writePlan(Path contentRoot, TreeMap<String, Change> plan, TarWriter tar)
      throws IOException {
    Map<String, String> firstNameOfInode = new HashMap<>();
    for (Map.Entry<String, Change> p : plan.entrySet()) {
      String name = p.getKey();
      Change c = p.getValue();
      if (c != null && (c.kind() == Change.Kind.DELETED || name.endsWith("/.wh..wh..opq"))) {
        tar.write(whiteoutEntry(name), null);
        continue;
      }
      Path host = FileNames.resolve(contentRoot, name);
      FileStat st = Posix.lstat(host);
      if (st.type() == FileStat.S_IFSOCK) {
        // As docker and containerd do: a socket left by a RUN (gpg-agent) is not content.
        LOG.warning("socket " + FileNames.display(name) + " left out of the layer");
        continue;
      }
      TarEntry e = FileEntry.of(host, name, st, options.sourceDateEpoch());
      if (st.isRegularFile() && st.nlink() > 1) {
        String first = firstNameOfInode.putIfAbsent(st.inodeKey(), name);
        if (first != null) {
          tar.write(hardlink(e, first), null);
          continue;
        }
      }
      if (st.isRegularFile()) {
        try (InputStream in = Files.newInputStream(host)) {
          tar.write(e, in);
        }
      } else {
        tar.write(e, null);
      }
    }
  }

  private static void addParents(TreeMap<String, Change> plan, String path) {
    int i = path.indexOf('/');
    while (i >= 0) {
      plan.putIfAbsent(path.substring(0, i), null);
      i = path.indexOf('/', i + 1);
    }
  }

  private TarEntry whiteoutEntry(String name) {
    long t = options.sourceDateEpoch() == null ? 0 : options.sourceDateEpoch();
    return new TarEntry(name, TarEntry.FILE, 0, 0, 0, 0, t, 0, "", 0, 0, Map.of());
  }

  private static TarEntry hardlink(TarEntry e, String target) {
    return new TarEntry(
        e.name(),
        TarEntry.HARDLINK,
        e.mode(),
        e.uid(),
        e.gid(),
        0,
        e.mtimeSec(),
        e.mtimeNsec(),
        target,
        0,
        0,
        Map.of()); // the inode's xattrs went with its first name
  }

  private static final class CountingOutput extends FilterOutputStream {
    long count;

    CountingOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
