package dev.strata.layer;

import dev.strata.codec.BackgroundInputStream;
import dev.strata.codec.Compression;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.oci.Digest;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;

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
    try (UnpackRun run = new UnpackRun(root.toAbsolutePath().normalize(), options)) {
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
      UnpackRun run)
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
      UnpackRun run)
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

  private static TarEntry nextEntry(TarReader reader, UnpackRun run) throws IOException {
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
}
