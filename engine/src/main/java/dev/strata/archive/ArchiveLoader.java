package dev.strata.archive;

import dev.strata.codec.Compression;
import dev.strata.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * {@code strata load -i FILE}: a docker-archive ({@code docker save}, {@code skopeo copy ...
 * docker-archive:}, see {@link DockerArchiveImporter}) or an oci-archive ({@link
 * OciArchiveImporter}), plain or compressed, into the store. Every blob is verified against its
 * digest and every layer against its diffID before any name is written.
 */
public final class ArchiveLoader {
  private final Store store;

  public ArchiveLoader(Store store) {
    this.store = store;
  }

  /** Loads every image in the archive; returns the names given (or digests of unnamed ones). */
  public List<String> load(Path archive) throws IOException {
    if (!Files.isRegularFile(archive)) {
      throw new ArchiveException("no such file: " + archive);
    }
    Path plainTar = archive;
    Path decompressed = null;
    try (AutoCloseable w = store.beginWrite()) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(archive))) {
        Compression c = Compression.detect(in);
        if (c != Compression.NONE) {
          // TarFile needs random access: decompress once into the store's work dir.
          decompressed = Files.createTempFile(store.tmp(), "archive-", ".tar");
          try (InputStream plain = c.decompress(in)) {
            Files.copy(plain, decompressed, StandardCopyOption.REPLACE_EXISTING);
          }
          plainTar = decompressed;
        }
      }
      try (ArchiveEntries entries = new ArchiveEntries(plainTar, archive)) {
        if (entries.has("manifest.json")) {
          return new DockerArchiveImporter(store, entries).load();
        }
        if (entries.has("index.json")) {
          return new OciArchiveImporter(store, entries).load();
        }
        throw new ArchiveException(
            archive
                + " is neither a docker-archive (no manifest.json) nor an oci-archive (no index.json)");
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      if (decompressed != null) {
        Files.deleteIfExists(decompressed);
      }
    }
  }
}
