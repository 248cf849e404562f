package dev.strata.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.ZstdInputStream;
import dev.strata.oci.Digest;
import dev.strata.oci.MediaType;
import dev.strata.store.CorruptBlobException;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.validate.ArchiveValidator;
import dev.strata.validate.ImageValidator;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveTest {
  @TempDir Path dir;

  private static final ImportOptions OPTS =
      new ImportOptions(List.of(), null, Instant.ofEpochSecond(1700000000));

  private static Digest sha256(Path f) throws Exception {
    MessageDigest md = Digest.newSha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return Digest.fromSha256(md.digest());
  }

  @Test
  void importMakesAOneLayerZstdImageWhoseDiffIdIsTheTarballsDigest() throws Exception {
    Path tar = Fixtures.busyboxTar();
    try (Store s = Store.open(dir.resolve("s"))) {
      StoredImage img = new RootfsImporter(s).importRootfs(tar, "busybox", OPTS);
      assertEquals("busybox:latest", img.name());
      assertEquals(List.of(sha256(tar)), img.config().diffIds());
      assertEquals(1, img.manifest().layers().size());
      assertEquals(MediaType.OCI_LAYER_ZSTD, img.manifest().layers().get(0).mediaType());
      assertEquals("2023-11-14T22:13:20Z", img.config().json().get("created").asText());
      assertEquals(List.of(RootfsImporter.DEFAULT_PATH), img.config().env());
      // the stored blob decompresses to the very tarball
      MessageDigest md = Digest.newSha256();
      try (InputStream in =
          new DigestInputStream(
              new ZstdInputStream(s.blobs().openVerified(img.manifest().layers().get(0).digest())),
              md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      assertEquals(sha256(tar), Digest.fromSha256(md.digest()));
      // same input, same epoch: same image id and digest
      StoredImage again = new RootfsImporter(s).importRootfs(tar, "busybox:again", OPTS);
      assertEquals(img.id(), again.id());
      assertEquals(img.digest(), again.digest());
    }
    ImageValidator.assertValidLayout(dir.resolve("s"));
  }

  @Test
  void gzipRootfsIsImportedToTheSameDiffId() throws Exception {
    Path tar = Fixtures.busyboxTar();
    Path gz = dir.resolve("busybox.tar.gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(tar, o);
    }
    try (Store s = Store.open(dir.resolve("s"))) {
      StoredImage img = new RootfsImporter(s).importRootfs(gz, "bb:gz", OPTS);
      assertEquals(List.of(sha256(tar)), img.config().diffIds());
    }
    ImageValidator.assertValid(dir.resolve("s"), "bb:gz");
  }

  @Test
  void changesSetTheConfig() throws Exception {
    try (Store s = Store.open(dir.resolve("s"))) {
      StoredImage img =
          new RootfsImporter(s)
              .importRootfs(
                  Fixtures.busyboxTar(),
                  "bb",
                  new ImportOptions(
                      List.of(
                          "CMD [\"/bin/echo\",\"hi\"]",
                          "ENTRYPOINT /bin/sh",
                          "ENV A=b c",
                          "WORKDIR /w",
                          "USER 1000",
                          "LABEL k=v",
                          "EXPOSE 80 53/udp"),
                      "note",
                      Instant.EPOCH));
      var c = img.config();
      assertEquals(List.of("/bin/echo", "hi"), c.cmd());
      assertEquals(List.of("/bin/sh", "-c", "/bin/sh"), c.entrypoint());
      assertEquals(List.of(RootfsImporter.DEFAULT_PATH, "A=b c"), c.env());
      assertEquals("/w", c.workingDir());
      assertEquals("1000", c.user());
      assertEquals(Map.of("k", "v"), c.labels());
      assertEquals(Set.of("80/tcp", "53/udp"), c.exposedPorts());
      assertEquals("note", c.json().get("history").get(0).get("comment").asText());
      ArchiveException e =
          assertThrows(
              ArchiveException.class,
              () ->
                  new RootfsImporter(s)
                      .importRootfs(
                          Fixtures.busyboxTar(),
                          "bb",
                          new ImportOptions(List.of("RUN x"), null, Instant.EPOCH)));
      assertTrue(e.getMessage().contains("RUN"), e.getMessage());
    }
    ImageValidator.assertValid(dir.resolve("s"), "bb");
  }

  @Test
  void notATarballIsRefusedBeforeAnyBlobIsWritten() throws Exception {
    Path junk = dir.resolve("junk.tar");
    Files.writeString(
        junk, "this is not a tarball, only text that goes on for a while\n".repeat(20));
    try (Store s = Store.open(dir.resolve("s"))) {
      ArchiveException e =
          assertThrows(
              ArchiveException.class, () -> new RootfsImporter(s).importRootfs(junk, "x", OPTS));
      assertTrue(
          e.getMessage().contains(junk.toString()) && e.getMessage().contains("not a tar"),
          e.getMessage());
      assertEquals(0, s.blobs().list().size());
      assertEquals(0, s.entries().size());
    }
  }

  @Test
  void dockerArchiveRoundTripKeepsTheImageId() throws Exception {
    Path out = dir.resolve("b.tar");
    Digest id;
    try (Store s = Store.open(dir.resolve("a"))) {
      StoredImage img =
          new RootfsImporter(s).importRootfs(Fixtures.busyboxTar(), "busybox:latest", OPTS);
      id = img.id();
      new ArchiveSaver(s).save(img, out, ArchiveFormat.DOCKER);
    }
    // docker save's shape: <id>.json, <diffid>/layer.tar (plain tar), manifest.json, repositories
    try (TarArchiveInputStream t = new TarArchiveInputStream(Files.newInputStream(out))) {
      StringBuilder names = new StringBuilder();
      for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
        names.append(e.getName()).append('\n');
        if (e.getName().equals("manifest.json")) {
          String m = new String(t.readAllBytes(), StandardCharsets.UTF_8);
          assertTrue(m.contains("\"RepoTags\":[\"busybox:latest\"]"), m);
        }
      }
      assertTrue(names.toString().contains(id.hex() + ".json"), names.toString());
      assertTrue(names.toString().contains("/layer.tar"), names.toString());
    }
    try (Store s2 = Store.open(dir.resolve("b"))) {
      assertEquals(List.of("busybox:latest"), new ArchiveLoader(s2).load(out));
      assertEquals(id, s2.image("busybox:latest").id());
    }
    ArchiveValidator.assertValidDockerArchive(out);
    ImageValidator.assertValid(dir.resolve("b"), "busybox:latest");
  }

  @Test
  void ociArchiveRoundTripKeepsTheManifestDigest() throws Exception {
    Path out = dir.resolve("o.tar");
    StoredImage img;
    try (Store s = Store.open(dir.resolve("a"))) {
      img = new RootfsImporter(s).importRootfs(Fixtures.busyboxTar(), "busybox:oci", OPTS);
      new ArchiveSaver(s).save(img, out, ArchiveFormat.OCI);
    }
    try (Store s2 = Store.open(dir.resolve("b"))) {
      assertEquals(List.of("busybox:oci"), new ArchiveLoader(s2).load(out));
      assertEquals(img.digest(), s2.image("busybox:oci").digest());
      assertEquals(img.id(), s2.image("busybox:oci").id());
    }
    ArchiveValidator.assertValidOciArchive(out);
    ImageValidator.assertValid(dir.resolve("b"), "busybox:oci");
  }

  @Test
  void dockerArchiveWithAWrongDiffIdIsRefusedAndNothingIsNamed() throws Exception {
    Path out = dir.resolve("evil.tar");
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\"sha256:"
            + "0".repeat(64)
            + "\"]}}";
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(out))) {
      put(t, "c.json", config.getBytes(StandardCharsets.UTF_8));
      put(t, "l/layer.tar", tarOf("hello.txt", "hi"));
      put(
          t,
          "manifest.json",
          "[{\"Config\":\"c.json\",\"RepoTags\":[\"evil:1\"],\"Layers\":[\"l/layer.tar\"]}]"
              .getBytes(StandardCharsets.UTF_8));
    }
    try (Store s = Store.open(dir.resolve("s"))) {
      ArchiveException e =
          assertThrows(ArchiveException.class, () -> new ArchiveLoader(s).load(out));
      assertTrue(
          e.getMessage().contains("l/layer.tar") && e.getMessage().contains("diffID"),
          e.getMessage());
      assertEquals(0, s.entries().size());
    }
  }

  @Test
  void ociArchiveWithATamperedBlobIsRefused() throws Exception {
    Path good = dir.resolve("o.tar");
    StoredImage img;
    try (Store s = Store.open(dir.resolve("a"))) {
      img = new RootfsImporter(s).importRootfs(Fixtures.busyboxTar(), "busybox:oci", OPTS);
      new ArchiveSaver(s).save(img, good, ArchiveFormat.OCI);
    }
    // rewrite the archive with the config blob's bytes changed
    Path evil = dir.resolve("evil.tar");
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(good));
        TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(evil))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        byte[] b = in.readAllBytes();
        if (e.getName().endsWith(img.id().hex())) {
          b =
              new String(b, StandardCharsets.UTF_8)
                  .replace("amd64", "arm64")
                  .getBytes(StandardCharsets.UTF_8);
        }
        put(out, e.getName(), b);
      }
    }
    try (Store s = Store.open(dir.resolve("b"))) {
      CorruptBlobException e =
          assertThrows(CorruptBlobException.class, () -> new ArchiveLoader(s).load(evil));
      assertTrue(e.getMessage().contains(img.id().toString()), e.getMessage());
      assertEquals(0, s.entries().size());
    }
  }

  @Test
  void garbageArchiveIsRefusedNamingTheFile() throws Exception {
    Path junk = dir.resolve("junk");
    Files.write(junk, new byte[4096]);
    Files.writeString(junk, "garbage");
    try (Store s = Store.open(dir.resolve("s"))) {
      ArchiveException e =
          assertThrows(ArchiveException.class, () -> new ArchiveLoader(s).load(junk));
      assertTrue(e.getMessage().contains(junk.toString()), e.getMessage());
    }
  }

  static void put(TarArchiveOutputStream t, String name, byte[] b) throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(b.length);
    t.putArchiveEntry(e);
    t.write(b);
    t.closeArchiveEntry();
  }

  static byte[] tarOf(String name, String content) throws Exception {
    ByteArrayOutputStream bo = new ByteArrayOutputStream();
    try (TarArchiveOutputStream t = new TarArchiveOutputStream(bo)) {
      put(t, name, content.getBytes(StandardCharsets.UTF_8));
    }
    return bo.toByteArray();
  }
}
