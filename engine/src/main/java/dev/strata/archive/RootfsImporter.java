package dev.strata.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.codec.Compression;
import dev.strata.index.LayerRecord;
import dev.strata.oci.Descriptor;
import dev.strata.oci.ImageConfig;
import dev.strata.oci.InvalidJsonException;
import dev.strata.oci.Json;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import dev.strata.oci.Platform;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code strata import ROOTFS.tar NAME}: a rootfs tarball (plain, gzip or zstd) becomes a one-layer
 * image, as {@code podman import} does.
 */
public final class RootfsImporter {
  /** The PATH docker and podman give an image that sets none. */
  public static final String DEFAULT_PATH =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final Store store;

  public RootfsImporter(Store store) {
    this.store = store;
  }

  public StoredImage importRootfs(Path tarball, String name, ImportOptions opts)
      throws IOException {
    String canonical = Store.canonicalName(name); // refuse a bad name before reading 1 GB
    checkIsTar(tarball);
    try (AutoCloseable w = store.beginWrite();
        InputStream in = Files.newInputStream(tarball)) {
      LayerRecord layer = LayerIngester.ingest(store, in, true);
      store.withIndex(
          idx -> {
            idx.putLayer(layer);
            return null;
          });
      ImageConfig config =
          ImageConfig.empty(Platform.host(), opts.created())
              .withEnv(List.of(DEFAULT_PATH))
              .withCmd(List.of("/bin/sh"));
      config = applyChanges(config, opts.changes());
      String createdBy = "strata import " + tarball.getFileName();
      config = config.withLayer(layer.diffId(), opts.created(), createdBy, opts.message());
      byte[] configBytes = config.bytes();
      Descriptor configDesc =
          new Descriptor(
              MediaType.OCI_CONFIG, store.blobs().writeBytes(configBytes), configBytes.length);
      Manifest m =
          Manifest.oci(
              configDesc, List.of(new Descriptor(layer.mediaType(), layer.blob(), layer.size())));
      byte[] mb = m.bytes();
      Descriptor md =
          new Descriptor(MediaType.OCI_MANIFEST, store.blobs().writeBytes(mb), mb.length);
      store.tag(md, canonical);
      return store.image(canonical);
    } catch (NoSuchFileException e) {
      throw new ArchiveException("no such file: " + tarball);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  /** Reads the first entry header so that "not a tarball" is said before any work. */
  static void checkIsTar(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new ArchiveException("no such file: " + file);
    }
    try (InputStream raw = Files.newInputStream(file);
        TarArchiveInputStream t =
            // Latin-1 decodes any name; the platform charset (ASCII without a locale) may not.
            new TarArchiveInputStream(Compression.decompressAny(raw), "ISO-8859-1")) {
      TarArchiveEntry e = t.getNextEntry();
      if (e == null) {
        throw new ArchiveException(file + " is not a tar archive (no entries)");
      }
    } catch (IOException e) {
      throw new ArchiveException(file + " is not a tar archive: " + e.getMessage());
    }
  }

  /**
   * Applies {@code --change} instructions. A small subset of the Dockerfile grammar, as podman
   * import takes it: exec (JSON) or shell form for CMD/ENTRYPOINT, {@code K=V} or {@code K V} for
   * ENV and LABEL.
   */
  static ImageConfig applyChanges(ImageConfig config, List<String> changes) {
    for (String change : changes) {
      String c = change.strip();
      int sp = c.indexOf(' ');
      String kw = (sp < 0 ? c : c.substring(0, sp)).toUpperCase();
      String rest = sp < 0 ? "" : c.substring(sp + 1).strip();
      config =
          switch (kw) {
            case "CMD", "ENTRYPOINT" ->
                config.withConfigField(
                    kw.equals("CMD") ? "Cmd" : "Entrypoint", commandForm(rest, change));
            case "ENV" -> {
              String[] kv = keyValue(rest, change);
              List<String> env = new ArrayList<>();
              for (String e : config.env()) {
                if (!e.startsWith(kv[0] + "=")) {
                  env.add(e);
                }
              }
              env.add(kv[0] + "=" + kv[1]);
              yield config.withEnv(env);
            }
            case "LABEL" -> {
              String[] kv = keyValue(rest, change);
              ObjectNode labels = Json.object();
              config.labels().forEach(labels::put);
              labels.put(kv[0], kv[1]);
              yield config.withConfigField("Labels", labels);
            }
            case "EXPOSE" -> {
              ObjectNode ports = Json.object();
              config.exposedPorts().forEach(ports::putObject);
              for (String p : rest.split("\\s+")) {
                ports.putObject(p.contains("/") ? p : p + "/tcp");
              }
              yield config.withConfigField("ExposedPorts", ports);
            }
            case "WORKDIR" -> config.withConfigField("WorkingDir", Json.object().textNode(rest));
            case "USER" -> config.withConfigField("User", Json.object().textNode(rest));
            default ->
                throw new ArchiveException(
                    "--change \""
                        + change
                        + "\": unsupported instruction "
                        + kw
                        + " (CMD, ENTRYPOINT, ENV, LABEL, EXPOSE, WORKDIR, USER)");
          };
    }
    return config;
  }

  private static ArrayNode commandForm(String rest, String change) {
    if (rest.startsWith("[")) {
      try {
        JsonNode n = Json.parse(rest.getBytes(StandardCharsets.UTF_8));
        if (n.isArray()) {
          ArrayNode a = (ArrayNode) n;
          a.forEach(
              e -> {
                if (!e.isTextual()) {
                  throw new ArchiveException(
                      "--change \"" + change + "\": exec form takes strings");
                }
              });
          return a;
        }
      } catch (InvalidJsonException e) {
        // Docker treats a malformed JSON array as shell form.
      }
    }
    ArrayNode a = Json.object().arrayNode();
    a.add("/bin/sh").add("-c").add(rest);
    return a;
  }

  private static String[] keyValue(String rest, String change) {
    int eq = rest.indexOf('=');
    int sp = rest.indexOf(' ');
    String k;
    String v;
    if (eq > 0 && (sp < 0 || eq < sp)) {
      k = rest.substring(0, eq);
      v = rest.substring(eq + 1);
    } else if (sp > 0) {
      k = rest.substring(0, sp);
      v = rest.substring(sp + 1).strip();
    } else {
      throw new ArchiveException("--change \"" + change + "\": want KEY=VALUE");
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return new String[] {k, v};
  }
}
