package dev.strata.archive;

import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The entries of an image archive's tar by name ({@code ./} and {@code /} prefixes dropped), read
 * at random: links followed inside the archive, small JSON documents read whole up to {@link
 * Store#MAX_DOCUMENT}. Errors name the archive as the user gave it.
 */
final class ArchiveEntries implements AutoCloseable {
  private static final long MAX_JSON = Store.MAX_DOCUMENT;

  private final TarFile tar;
  private final Path shown;
  private final Map<String, TarArchiveEntry> entries = new HashMap<>();

  /**
   * @param plainTar an uncompressed tar
   * @param shown the archive as the user named it, for messages
   */
  ArchiveEntries(Path plainTar, Path shown) throws IOException {
    try {
      this.tar = new TarFile(plainTar, "UTF-8"); // not the platform charset: ASCII without a locale
    } catch (IOException | RuntimeException e) {
      throw new ArchiveException(shown + " is not a tar archive: " + e.getMessage());
    }
    this.shown = shown;
    for (TarArchiveEntry e : tar.getEntries()) {
      entries.put(clean(e.getName()), e);
    }
  }

  /** The archive as the user named it. */
  Path shown() {
    return shown;
  }

  boolean has(String name) {
    return entries.containsKey(clean(name));
  }

  private static String clean(String name) {
    String n = name;
    while (n.startsWith("./")) {
      n = n.substring(2);
    }
    while (n.startsWith("/")) {
      n = n.substring(1);
    }
    return n;
  }

  /** The regular file {@code name}, following links; refused when missing or not a file. */
  TarArchiveEntry file(String name) {
    TarArchiveEntry e = entries.get(clean(name));
    int hops = 0;
    // docker save links repeated layers to the first copy; follow such links inside the archive.
    while (e != null && (e.isSymbolicLink() || e.isLink()) && hops++ < 8) {
      String target = e.getLinkName();
      if (e.isSymbolicLink() && !target.startsWith("/")) {
        Path parent = Path.of(clean(name)).getParent();
        target = (parent == null ? Path.of(target) : parent.resolve(target)).normalize().toString();
      }
      name = target;
      e = entries.get(clean(target));
    }
    if (e == null || !e.isFile()) {
      throw new ArchiveException(shown + ": entry " + name + " is missing or not a file");
    }
    return e;
  }

  /** The blob {@code blobs/ALG/HEX} of an oci-archive. */
  TarArchiveEntry blob(Digest d) {
    return file("blobs/" + d.algorithm() + "/" + d.hex());
  }

  /** The bytes of entry {@code name} as it is (no link followed), refused over the size limit. */
  byte[] readJson(String name) throws IOException {
    return readJson(entries.get(clean(name)));
  }

  /** The bytes of {@code e}, refused over the size limit. */
  byte[] readJson(TarArchiveEntry e) throws IOException {
    if (e.getSize() > MAX_JSON) {
      throw new ArchiveException(
          shown + ": " + e.getName() + " is larger than " + MAX_JSON + " bytes");
    }
    try (InputStream in = tar.getInputStream(e)) {
      return in.readAllBytes();
    }
  }

  /** Opens {@code e}'s bytes; the caller closes the stream. */
  InputStream open(TarArchiveEntry e) throws IOException {
    return tar.getInputStream(e);
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }
}
