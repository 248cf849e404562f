package dev.strata.layer;

import dev.strata.codec.BackgroundInputStream;
import dev.strata.codec.Compression;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.oci.Digest;
import dev.strata.posix.Errno;
import dev.strata.posix.FileNames;
import dev.strata.posix.FileStat;
import dev.strata.posix.Posix;
import dev.strata.posix.PosixException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Streams a layer (gzip, zstd or plain, told by its magic bytes) into a directory. Every name is
 * resolved inside the directory ({@link RootResolver}) and every change is made through a directory
 * fd pinned inside it ({@link ScopedRoot}: openat2 RESOLVE_IN_ROOT, or an O_NOFOLLOW walk), so a
 * symlink swapped in during extraction cannot redirect a write; refusals name the entry. The diffID
 * and the compressed digest are computed in the same pass and checked against those expected. On
 * any exception the directory holds a partial result: unpack into a fresh directory and rename it
 * into place only on success.
 */
public final class Unpacker {
  private static final Logger LOG = Logger.getLogger(Unpacker.class.getName());
  private static final String WH_PREFIX = ".wh.";
  private static final String WH_OPAQUE = ".wh..wh..opq";

  /** What to do with OCI whiteouts. */
  public enum Whiteouts {
    /** Delete what they hide (flattening onto a rootfs that holds the lower layers). */
    APPLY,
    /** Turn them into overlayfs whiteouts (char 0:0, opaque xattr): a layer dir used as lower. */
    OVERLAY
  }

  /** What to do with device nodes. */
  public enum Devices {
    /** Make them; skip with a warning where the kernel does not allow it (user namespace). */
    CREATE_OR_SKIP,
    /** Skip them with a warning. */
    SKIP,
    /** Refuse the layer, naming the entry. */
    REFUSE
  }

  /**
   * @param whiteouts how OCI whiteouts are applied
   * @param devices what device nodes become
   * @param maxBytes refuse the layer when its uncompressed tar exceeds this (zip bombs)
   * @param opaqueXattr for {@link Whiteouts#OVERLAY}: {@code user.overlay.opaque} (overlayfs with
   *     the userxattr option, as in a user namespace) or {@code trusted.overlay.opaque}
   * @param expectedDiffId null, or the diffID the tar must hash to
   * @param expectedDigest null, or the digest the raw (compressed) bytes must hash to
   * @param skipRootEntries skip entries that name the root itself ("", "./"), whatever their type,
   *     as moby's archive.Unpack does for ADD ({@code if fi.IsDir() && hdr.Name == "."}); else a
   *     directory there gives the root its metadata and anything else is refused
   */
  public record Options(
      Whiteouts whiteouts,
      Devices devices,
      long maxBytes,
      String opaqueXattr,
      Digest expectedDiffId,
      Digest expectedDigest,
      boolean skipRootEntries) {
    public static Options defaults() {
      return new Options(
          Whiteouts.APPLY,
          Devices.CREATE_OR_SKIP,
          64L << 30,
          "user.overlay.opaque",
          null,
          null,
          false);
    }

    /** Options for an archive ADD unpacks: entries naming the root are skipped, as Docker does. */
    public Options skippingRootEntries() {
      return new Options(
          whiteouts, devices, maxBytes, opaqueXattr, expectedDiffId, expectedDigest, true);
    }

    public Options withWhiteouts(Whiteouts w) {
      return new Options(
          w, devices, maxBytes, opaqueXattr, expectedDiffId, expectedDigest, skipRootEntries);
    }

    public Options withDevices(Devices d) {
      return new Options(
          whiteouts, d, maxBytes, opaqueXattr, expectedDiffId, expectedDigest, skipRootEntries);
    }

    public Options withMaxBytes(long max) {
      return new Options(
          whiteouts, devices, max, opaqueXattr, expectedDiffId, expectedDigest, skipRootEntries);
    }

    public Options withOpaqueXattr(String x) {
      return new Options(
          whiteouts, devices, maxBytes, x, expectedDiffId, expectedDigest, skipRootEntries);
    }

    public Options expecting(Digest diffId, Digest digest) {
      return new Options(
          whiteouts, devices, maxBytes, opaqueXattr, diffId, digest, skipRootEntries);
    }
  }

  /**
   * What was unpacked.
   *
   * @param diffId sha256 of the uncompressed tar
   * @param digest sha256 of the bytes as read: equal to diffId when uncompressed, null when
   *     compressed and no digest was expected (it is not computed then)
   * @param compressedSize bytes read
   * @param size bytes of the uncompressed tar
   * @param warnings entries skipped or owners that could not be kept
   */
  public record Result(
      Digest diffId,
      Digest digest,
      long compressedSize,
      long size,
      Compression compression,
      List<String> warnings) {}

  private final Options options;

  public Unpacker(Options options) {
    this.options = options;
  }

  /** Unpacks {@code raw} into {@code root}, which must exist. Does not close {@code raw}. */
  public Result unpack(InputStream raw, Path root) throws IOException {
    return unpack(raw, null, root);
  }

  /**
   * Unpacks the layer file {@code layer} into {@code root}, which must exist. For a file nothing
   * writes any more, as a store's blobs: a plain tar's diffID is then computed by a thread of its
   * own reading the file beside the unpack (the page cache serves both reads), not by a stage of
   * the unpack's pipeline. Uncoupled, neither waits for the other; chained, sha256 and file
   * creation took turns stalling each other, and a plain layer unpacked 10-25% slower.
   */
  public Result unpackFile(Path layer, Path root) throws IOException {
    try (InputStream raw = Files.newInputStream(layer)) {
      return unpack(raw, layer, root);
    }
  }

  /** {@code sameBytes}: null, or a file holding the bytes {@code raw} gives, to hash apart. */
  private Result unpack(InputStream raw, Path sameBytes, Path root) throws IOException {
    MessageDigest compressedHash = Digest.newSha256();
    CountingInput compressedCount = new CountingInput(raw, Long.MAX_VALUE, null);
    DigestInputStream hashing = new DigestInputStream(compressedCount, compressedHash);
    BufferedInputStream in = new BufferedInputStream(hashing, 1 << 17);
    Compression compression = Compression.detect(in);
    // Uncompressed, the blob is the tar: hashed once. Compressed, its own digest is computed only
    // when it is to be checked; the diffID alone decides what lands on disk.
    hashing.on(compression != Compression.NONE && options.expectedDigest() != null);
    try (Run run = new Run(root.toAbsolutePath().normalize())) {
      if (compression == Compression.NONE && sameBytes != null) {
        FileDigest diffId = new FileDigest(sameBytes, "strata-unpack-digest");
        try {
          return unpack(
              in, nonClosing(in), diffId::get, compressedHash, compressedCount, compression, run);
        } finally {
          diffId.cancel(); // an unpack refused midway does not wait for the rest of the hash
        }
      }
      return unpack(in, compressedHash, compressedCount, compression, run);
    }
  }

  /** What gives the diffID once the whole tar has been read. */
  @FunctionalInterface
  private interface DiffIdSource {
    Digest get() throws IOException;
  }

  private Result unpack(
      BufferedInputStream in,
      MessageDigest compressedHash,
      CountingInput compressedCount,
      Compression compression,
      Run run)
      throws IOException {
    // The blob's read and the decompressor run on a thread of their own, the diffID's sha256 on
    // another, each a few MiB ahead of this one, which spends most of its time in the kernel
    // creating files: the split `zstd -dc | sha256sum | tar -x` would get from pipes. zstd and
    // sha256 of a big layer take about as long each as the file creation, so on one thread they
    // were the slowest stage. Closing stops both threads, not `raw`. The diffID is complete once
    // this thread has seen the end of the stream.
    MessageDigest diffHash = Digest.newSha256();
    InputStream tar =
        compression == Compression.NONE
            ? nonClosing(in)
            : new BackgroundInputStream(
                compression.decompress(nonClosing(in)), "strata-unpack-read");
    try (InputStream decompressed =
        new BackgroundInputStream(new DigestInputStream(tar, diffHash), "strata-unpack-digest")) {
      return unpack(
          in,
          decompressed,
          () -> Digest.fromSha256(diffHash.digest()),
          compressedHash,
          compressedCount,
          compression,
          run);
    }
  }

  private Result unpack(
      BufferedInputStream in,
      InputStream decompressed,
      DiffIdSource diffIds,
      MessageDigest compressedHash,
      CountingInput compressedCount,
      Compression compression,
      Run run)
      throws IOException {
    CountingInput tarCount = new CountingInput(decompressed, options.maxBytes(), run);
    TarReader reader = new TarReader(tarCount);
    TarEntry e;
    while ((e = nextEntry(reader, run)) != null) {
      run.current = e.name();
      run.scoped.trim();
      tarCount.limitFor(e);
      try {
        run.apply(e, reader);
      } catch (LayerException x) {
        throw x;
      } catch (IOException x) {
        throw new LayerException(e.name(), x.getMessage(), x);
      }
    }
    run.current = "(end of archive)";
    run.finishDirectories();
    run.logSkippedDevices();
    tarCount.transferTo(OutputStream.nullOutputStream()); // end blocks and padding are hashed too
    in.transferTo(OutputStream.nullOutputStream());
    Digest diffId = diffIds.get();
    Digest digest =
        compression == Compression.NONE
            ? diffId
            : options.expectedDigest() == null ? null : Digest.fromSha256(compressedHash.digest());
    if (options.expectedDiffId() != null && !options.expectedDiffId().equals(diffId)) {
      throw new LayerException(
          null,
          "diffID mismatch: expected "
              + options.expectedDiffId()
              + ", the uncompressed layer hashes to "
              + diffId);
    }
    if (options.expectedDigest() != null && !options.expectedDigest().equals(digest)) {
      throw new LayerException(
          null,
          "digest mismatch: expected "
              + options.expectedDigest()
              + ", the layer blob hashes to "
              + digest);
    }
    return new Result(
        diffId,
        digest,
        compressedCount.count,
        tarCount.count,
        compression,
        List.copyOf(run.warnings));
  }

  private static TarEntry nextEntry(TarReader reader, Run run) throws IOException {
    try {
      return reader.next();
    } catch (LayerException x) {
      throw x;
    } catch (IOException x) {
      throw new LayerException(run.current, x.getMessage(), x);
    }
  }

  private static InputStream nonClosing(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {}
    };
  }

  /** Counts bytes and refuses more than {@code limit}, naming the entry being read. */
  private static final class CountingInput extends FilterInputStream {
    private final long limit;
    private final Run run;
    long count;

    CountingInput(InputStream in, long limit, Run run) {
      super(in);
      this.limit = limit;
      this.run = run;
    }

    /** Refuses at once an entry whose declared size alone breaks the limit. */
    void limitFor(TarEntry e) throws LayerException {
      if (e.isRegularFile() && e.size() > limit - count) {
        throw new LayerException(
            e.name(),
            "declares "
                + e.size()
                + " bytes; the layer may not exceed "
                + limit
                + " bytes uncompressed");
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        add(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        add(n);
      }
      return n;
    }

    private void add(long n) throws LayerException {
      count += n;
      if (count > limit) {
        throw new LayerException(
            run == null ? null : run.current,
            "the layer exceeds " + limit + " bytes uncompressed (a decompression bomb?)");
      }
    }
  }

  /** The state of one unpack. */
  private final class Run implements AutoCloseable {
    final Path root;
    final RootResolver resolver;
    final ScopedRoot scoped;
    final Set<Path> createdHere = new HashSet<>();
    final Set<Path> preexisting = new HashSet<>(); // dirs a lower layer made: may carry a record
    final List<Object[]> dirs = new ArrayList<>(); // {Path, TarEntry}, fixed up at the end
    final List<String> warnings = new ArrayList<>();
    String current = "(start of archive)";

    Run(Path root) throws IOException {
      this.root = root;
      this.resolver = new RootResolver(root);
      this.scoped = new ScopedRoot(root);
    }

    @Override
    public void close() {
      scoped.close();
    }

    /** Host paths (keys of the sets above) are never written; this is how they are reached. */
    Path at(Path host) throws IOException {
      return scoped.at(host);
    }

    /** lstat through the pinned parent; null when it, or its parent, is not there. */
    FileStat statAt(Path host) throws IOException {
      try {
        return Posix.lstatOrNull(at(host));
      } catch (PosixException x) {
        if (x.errno() == Errno.ENOENT || x.errno() == Errno.ENOTDIR) {
          return null;
        }
        throw x;
      }
    }

    void remove(Path host) throws IOException {
      resolver.forget();
      scoped.removeAll(host);
    }

    void warn(String msg) {
      warnings.add(msg);
      LOG.warning(msg);
    }

    final List<String> skippedDevices = new ArrayList<>();
    String whyDevicesSkipped;

    /**
     * Kept in the warnings one by one but logged once per layer: a base image's /dev holds a dozen
     * nodes a rootless user can never make, and a dozen lines said nothing more than one.
     */
    void skippedDevice(String what, String name, String why) {
      warnings.add("skipped " + what + " " + FileNames.display(name) + ": " + why);
      skippedDevices.add(FileNames.display(name));
      whyDevicesSkipped = why;
    }

    void logSkippedDevices() {
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

    void apply(TarEntry e, TarReader reader) throws IOException {
      List<String> comps = RootResolver.clean(e.name());
      if (comps.isEmpty()) {
        if (options.skipRootEntries()) {
          return; // its data, if any, is skipped by the reader
        }
        if (e.isDirectory()) {
          dirs.add(new Object[] {root, e}); // "./": the root's own metadata
          preexisting.add(root);
          return;
        }
        throw new LayerException(e.name(), "names the root but is not a directory");
      }
      String base = comps.get(comps.size() - 1);
      if (base.startsWith(WH_PREFIX)) {
        whiteout(e, comps, base);
        return;
      }
      Path target = resolver.resolve(e.name(), comps);
      resolver.mkdirs(e.name(), target.getParent(), scoped);
      if (e.type() == TarEntry.FILE) {
        // The common case, a new file: created and finished through its own fd, no lookups.
        int fd = scoped.create(target, 0600);
        if (fd >= 0) {
          writeFile(fd, target, e, reader);
          createdHere.add(target);
          return;
        }
      }
      FileStat existing = statAt(target);
      if (existing != null) {
        if (e.isDirectory() && existing.isDirectory()) {
          dirs.add(new Object[] {target, e});
          createdHere.add(target);
          preexisting.add(target);
          return;
        }
        if (e.type() == TarEntry.HARDLINK) {
          Path linkTarget = hardlinkTarget(e);
          if (linkTarget.equals(target)) {
            return; // a link to itself: nothing to do
          }
        }
        remove(target);
      }
      Path at = at(target);
      switch (e.type()) {
        case TarEntry.DIR -> {
          Files.createDirectory(at);
          dirs.add(new Object[] {target, e});
        }
        case TarEntry.FILE -> {
          int fd = scoped.create(target, 0600);
          if (fd < 0) {
            throw new LayerException(e.name(), "something appeared where it was just removed");
          }
          writeFile(fd, target, e, reader);
        }
        case TarEntry.SYMLINK -> {
          Files.createSymbolicLink(at, FileNames.path(e.linkName()));
          finish(target, at, e);
        }
        case TarEntry.HARDLINK -> {
          Path linkTarget = at(hardlinkTarget(e));
          Files.createLink(at, linkTarget); // link(2) does not follow a symlink target
        }
        case TarEntry.FIFO -> {
          Posix.mkfifo(at, 0600);
          finish(target, at, e);
        }
        case TarEntry.CHAR, TarEntry.BLOCK -> {
          if (!device(at, e)) {
            return;
          }
          finish(target, at, e);
        }
        default -> throw new LayerException(e.name(), "unsupported type " + e.type());
      }
      createdHere.add(target);
    }

    /** Hard link targets are archive names, resolved in the root; they must exist. */
    Path hardlinkTarget(TarEntry e) throws IOException {
      List<String> comps;
      try {
        comps = RootResolver.clean(e.linkName());
      } catch (LayerException x) {
        throw new LayerException(
            e.name(), "hard link target \"" + e.linkName() + "\" climbs above the root");
      }
      if (comps.isEmpty()) {
        throw new LayerException(e.name(), "hard link to the root");
      }
      Path t = resolver.resolve(e.name(), comps);
      FileStat st = statAt(t);
      if (st == null) {
        throw new LayerException(
            e.name(),
            "hard link target \"" + e.linkName() + "\" does not exist in the layer or below it");
      }
      if (st.isDirectory()) {
        throw new LayerException(e.name(), "hard link to directory \"" + e.linkName() + "\"");
      }
      return t;
    }

    boolean device(Path target, TarEntry e) throws IOException {
      String what =
          (e.type() == TarEntry.CHAR ? "char" : "block")
              + " device "
              + e.devMajor()
              + ":"
              + e.devMinor();
      switch (options.devices()) {
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

    void whiteout(TarEntry e, List<String> comps, String base) throws IOException {
      List<String> dirComps = comps.subList(0, comps.size() - 1);
      Path dir = resolver.resolveAll(e.name(), dirComps);
      if (base.equals(WH_OPAQUE)) {
        if (options.whiteouts() == Whiteouts.OVERLAY) {
          resolver.mkdirs(e.name(), dir, scoped);
          Posix.lsetxattr(
              scoped.dir(dir), options.opaqueXattr(), "y".getBytes(StandardCharsets.US_ASCII));
          return;
        }
        // image-spec layer.md: an opaque whiteout hides the lower layers' children only.
        FileStat st = dir.equals(root) ? Posix.lstat(at(root)) : statAt(dir);
        if (st != null && st.isDirectory()) {
          List<String> names = new ArrayList<>();
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(scoped.dir(dir))) {
            ds.forEach(c -> names.add(FileNames.name(c)));
          }
          for (String n : names) {
            Path child = FileNames.resolve(dir, n);
            if (!createdHere.contains(child)) {
              remove(child);
            }
          }
        }
        return;
      }
      String hidden = base.substring(WH_PREFIX.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new LayerException(e.name(), "malformed whiteout");
      }
      Path victim = FileNames.resolve(dir, hidden);
      if (options.whiteouts() == Whiteouts.OVERLAY) {
        resolver.mkdirs(e.name(), dir, scoped);
        if (statAt(victim) != null) {
          remove(victim);
        }
        Posix.mkWhiteout(at(victim));
        return;
      }
      if (!createdHere.contains(victim) && statAt(victim) != null) {
        remove(victim);
      }
    }

    /** Content, owner, xattrs, mode and mtime of a regular file just created as {@code fd}. */
    void writeFile(int fd, Path host, TarEntry e, TarReader reader) throws IOException {
      try {
        InputStream in = reader.content();
        int n;
        while ((n = in.read(copyBuffer)) > 0) {
          Posix.write(fd, copyBuffer, n, host);
        }
        FileStat st = Posix.fstat(fd, host);
        Ownership.applyToNewFile(fd, host, st, e.uid(), e.gid());
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
          if (Ownership.isInternalXattr(x.getKey())) {
            continue;
          }
          try {
            Posix.fsetxattr(fd, x.getKey(), x.getValue(), host);
          } catch (PosixException ex) {
            if (ex.errno() != Errno.EPERM
                && ex.errno() != Errno.ENOTSUP
                && ex.errno() != Errno.EACCES) {
              throw ex;
            }
            warn("xattr " + x.getKey() + " of " + e.name() + " not kept: " + ex.getMessage());
          }
        }
        Posix.fchmod(fd, e.mode(), host); // after chown, which clears setuid
        Posix.futimes(fd, e.mtimeSec(), e.mtimeNsec(), host);
      } finally {
        Posix.close(fd);
      }
    }

    final byte[] copyBuffer = new byte[COPY_BUFFER];

    /**
     * Owner, xattrs, mode and mtime of the node {@code host}, reached as {@code p} (through its
     * pinned parent, or for a directory its own pinned fd); no call follows a final symlink.
     */
    void finish(Path host, Path p, TarEntry e) throws IOException {
      FileStat st = Posix.lstat(p);
      Ownership.apply(p, st, e.uid(), e.gid(), !preexisting.contains(host), this::warn);
      xattrs(p, e);
      if (!st.isSymlink()) {
        Posix.lchmod(p, e.mode()); // after chown, which clears setuid
      }
      Posix.lutimes(p, e.mtimeSec(), e.mtimeNsec());
    }

    void xattrs(Path p, TarEntry e) throws PosixException {
      for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
        if (Ownership.isInternalXattr(x.getKey())) {
          continue;
        }
        try {
          Posix.lsetxattr(p, x.getKey(), x.getValue());
        } catch (PosixException ex) {
          if (ex.errno() != Errno.EPERM
              && ex.errno() != Errno.ENOTSUP
              && ex.errno() != Errno.EACCES) {
            throw ex;
          }
          warn("xattr " + x.getKey() + " of " + e.name() + " not kept: " + ex.getMessage());
        }
      }
    }

    /** Directories last, deepest first: children change a dir's mtime and need it writable. */
    void finishDirectories() throws IOException {
      for (int i = dirs.size() - 1; i >= 0; i--) {
        Path p = (Path) dirs.get(i)[0];
        TarEntry e = (TarEntry) dirs.get(i)[1];
        current = e.name();
        FileStat st = p.equals(root) ? Posix.lstat(at(root)) : statAt(p);
        if (st != null && st.isDirectory()) { // a later entry may have removed or replaced it
          finish(p, scoped.dir(p), e);
        }
      }
    }
  }

  private static final int COPY_BUFFER = 1 << 17;
}
