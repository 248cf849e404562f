package dev.strata.cli;

import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.requireTool;
import static dev.strata.cli.StrataProcess.run;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.validate.ArchiveValidator;
import dev.strata.validate.ImageValidator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 3's acceptance, end to end: bin/strata checked by skopeo and umoci. */
class StoreCommandsIT {
  @TempDir Path dir;

  @BeforeAll
  static void tools() {
    requireTool("skopeo", "skopeo");
    requireTool("umoci", "umoci");
  }

  private static JsonNode json(String s) {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void importIsAnOciLayoutThatSkopeoAndUmociRead() throws Exception {
    Path store = dir.resolve("store");
    String id =
        strata(store, "import", fixture("busybox.tar").toString(), "busybox:latest")
            .ok()
            .out()
            .strip();
    assertTrue(id.startsWith("sha256:"), id);
    JsonNode inspected =
        json(run("skopeo", "inspect", "oci:" + store + ":busybox:latest").ok().out());
    assertEquals("amd64", inspected.get("Architecture").asText());
    assertEquals(1, inspected.get("Layers").size());
    String ls = run("umoci", "ls", "--layout", store.toString()).ok().out();
    assertTrue(ls.lines().anyMatch("busybox:latest"::equals), ls);
    JsonNode images = json(strata(store, "images", "--format", "json").ok().out());
    assertEquals(1, images.size());
    assertEquals(id, images.get(0).get("id").asText());
    assertEquals("busybox:latest", images.get(0).get("name").asText());
    String table = strata(store, "images").ok().out();
    assertTrue(table.contains("busybox:latest") && table.contains(id.substring(7, 19)), table);
    JsonNode insp = json(strata(store, "inspect", "busybox").ok().out());
    assertEquals(id, insp.get("id").asText());
    assertEquals("[\"/bin/sh\"]", insp.get("config").get("config").get("Cmd").toString());
    ImageValidator.assertValid(store, "busybox:latest");
  }

  @Test
  void saveDockerIsReadBySkopeoAndLoadGivesTheSameId() throws Exception {
    Path a = dir.resolve("a");
    Path b = dir.resolve("b");
    Path archive = dir.resolve("b.tar");
    String id =
        strata(a, "import", fixture("busybox.tar").toString(), "busybox:latest").ok().out().strip();
    strata(a, "save", "busybox:latest", "-o", archive.toString(), "--format", "docker").ok();
    JsonNode inspected = json(run("skopeo", "inspect", "docker-archive:" + archive).ok().out());
    assertEquals(1, inspected.get("Layers").size());
    String config = run("skopeo", "inspect", "--config", "docker-archive:" + archive).ok().out();
    assertTrue(config.contains("\"architecture\": \"amd64\""), config);
    strata(b, "load", "-i", archive.toString()).ok();
    assertEquals(id, json(strata(b, "inspect", "busybox:latest").ok().out()).get("id").asText());
    // oci-archive too
    Path oci = dir.resolve("o.tar");
    strata(a, "save", "busybox:latest", "-o", oci.toString(), "--format", "oci").ok();
    run("skopeo", "inspect", "oci-archive:" + oci).ok();
    strata(dir.resolve("c"), "load", "-i", oci.toString()).ok();
    assertEquals(
        id, json(strata(dir.resolve("c"), "inspect", "busybox").ok().out()).get("id").asText());
    ArchiveValidator.assertValidDockerArchive(archive);
    ArchiveValidator.assertValidOciArchive(oci);
    ImageValidator.assertValidLayout(b);
    ImageValidator.assertValidLayout(dir.resolve("c"));
  }

  @Test
  void skopeoWrittenDockerArchiveLoads() throws Exception {
    Path a = dir.resolve("a");
    String id =
        strata(a, "import", fixture("busybox.tar").toString(), "busybox:latest").ok().out().strip();
    Path ours = dir.resolve("ours.tar");
    Path archive = dir.resolve("sk.tar");
    // skopeo refuses to put zstd layers in a docker image, so it rewrites our docker-archive
    strata(a, "save", "busybox:latest", "-o", ours.toString()).ok();
    run("skopeo", "copy", "docker-archive:" + ours, "docker-archive:" + archive + ":busybox:sk")
        .ok();
    Path b = dir.resolve("b");
    String loaded = strata(b, "load", "-i", archive.toString()).ok().out();
    assertTrue(loaded.contains("busybox:sk"), loaded);
    assertEquals(id, json(strata(b, "inspect", "busybox:sk").ok().out()).get("id").asText());
    ImageValidator.assertValidLayout(b);
  }

  @Test
  void tagRmiPrune() throws Exception {
    Path s = dir.resolve("s");
    strata(s, "import", fixture("busybox.tar").toString(), "one").ok();
    strata(s, "tag", "one", "two:x", "localhost/three").ok();
    String names = run("umoci", "ls", "--layout", s.toString()).ok().out();
    assertTrue(names.contains("two:x") && names.contains("localhost/three:latest"), names);
    strata(s, "rmi", "one", "two:x", "localhost/three").ok();
    assertEquals("[ ]", strata(s, "images", "--format", "json").ok().out().strip());
    String pruned = strata(s, "prune").ok().out();
    assertTrue(pruned.startsWith("Removed 3 blobs"), pruned);
    try (Stream<Path> blobs = Files.list(s.resolve("blobs/sha256"))) {
      assertEquals(0, blobs.count());
    }
  }

  @Test
  void badInputGetsOneLineAndExit1() throws Exception {
    Path s = dir.resolve("s");
    String id =
        strata(s, "import", fixture("busybox.tar").toString(), "busybox").ok().out().strip();
    Path notTar = dir.resolve("notatar.tar");
    Files.writeString(notTar, "hello\n".repeat(200));

    StrataProcess.Result r = strata(s, "import", notTar.toString(), "x");
    assertOneLineError(r, notTar.toString());
    r = strata(s, "import", fixture("busybox.tar").toString(), "Not A Name");
    assertOneLineError(r, "invalid reference format");
    r = strata(s, "inspect", "nosuch:image");
    assertOneLineError(r, "nosuch:image");
    r = strata(s, "load", "-i", notTar.toString());
    assertOneLineError(r, notTar.toString());

    // corrupt the config blob: named with its path, and the fix
    Path cfg = s.resolve("blobs/sha256/" + id.substring(7));
    Files.writeString(cfg, "{}");
    r = strata(s, "inspect", "busybox");
    assertOneLineError(r, id);
    assertTrue(r.err().contains("delete " + cfg), r.err());
    // --log-level debug adds the stack
    r = strata(s, "--log-level", "debug", "inspect", "busybox");
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("\tat dev.strata."), r.err());

    // usage errors are exit 2 with the synopsis
    r = strata(s, "save", "busybox");
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("Run 'strata save --help'"), r.err());
  }

  @Test
  void aCorruptLayerBlobIsNamedWithItsPathAndTheFix() throws Exception {
    Path s = dir.resolve("s");
    strata(s, "import", fixture("busybox.tar").toString(), "busybox").ok();
    // the layer is the biggest blob; a valid tar that is not it stands for any damage that
    // still decodes (zstd carries no checksum here), so only the diffID can tell
    Path layer;
    try (Stream<Path> blobs = Files.list(s.resolve("blobs/sha256"))) {
      layer = blobs.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
    }
    layer.toFile().setWritable(true);
    Files.write(layer, new byte[1024]);
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"), "FROM scratch\nCOPY --from=busybox /bin/busybox /bb\n");
    StrataProcess.Result r = strata(s, "build", "--progress", "plain", "-t", "x", ctx.toString());
    assertEquals(1, r.exit(), r.err());
    String err = r.err().lines().filter(l -> l.startsWith("Error: ")).findFirst().orElse(r.err());
    assertTrue(
        err.contains("diffID mismatch")
            && err.contains("is corrupt")
            && err.contains("delete " + layer),
        err);
  }

  private static void assertOneLineError(StrataProcess.Result r, String mustName) {
    assertEquals(1, r.exit(), r.command() + "\n" + r.err());
    String err = r.err().strip();
    assertEquals(1, err.lines().count(), "want one line, got:\n" + err);
    assertTrue(err.startsWith("Error: "), err);
    assertTrue(err.contains(mustName), "error should name " + mustName + ": " + err);
    assertFalse(err.contains("Exception"), err);
  }

  @Test
  void twoImportsAtOnceIntoOneStore() throws Exception {
    Path s = dir.resolve("s");
    Process a =
        StrataProcess.start(
            s, dir.resolve("a.log"), "import", fixture("busybox.tar").toString(), "a:1");
    Process b =
        StrataProcess.start(
            s, dir.resolve("b.log"), "import", fixture("busybox.tar").toString(), "b:1");
    assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, a.exitValue(), Files.readString(dir.resolve("a.log")));
    assertEquals(0, b.exitValue(), Files.readString(dir.resolve("b.log")));
    run("skopeo", "inspect", "oci:" + s + ":a:1").ok();
    run("skopeo", "inspect", "oci:" + s + ":b:1").ok();
    String ls = run("umoci", "ls", "--layout", s.toString()).ok().out();
    assertTrue(ls.contains("a:1") && ls.contains("b:1"), ls);
    try (Stream<Path> tmp = Files.list(s.resolve("tmp"))) {
      assertEquals(0, tmp.count(), "both sessions cleaned their tmp dirs");
    }
  }

  @Test
  void ociArchiveWithGzipLayersIsUnpackedByUmoci() throws Exception {
    Path s = dir.resolve("s");
    String id =
        strata(s, "import", fixture("busybox.tar").toString(), "busybox:latest").ok().out().strip();
    Path archive = dir.resolve("o.tar");
    strata(
            s,
            "save",
            "busybox",
            "-o",
            archive.toString(),
            "--format",
            "oci",
            "--compression",
            "gzip")
        .ok();
    Path layout = Files.createDirectories(dir.resolve("layout"));
    run("tar", "-xf", archive.toString(), "-C", layout.toString()).ok();
    run(
            "umoci",
            "unpack",
            "--rootless",
            "--image",
            layout + ":busybox:latest",
            dir.resolve("bundle").toString())
        .ok();
    assertTrue(Files.isRegularFile(dir.resolve("bundle/rootfs/bin/busybox")));
    // same config, so the same image id after a round trip; a second save reuses the gzip layer
    Path b = dir.resolve("b");
    strata(b, "load", "-i", archive.toString()).ok();
    assertEquals(id, json(strata(b, "inspect", "busybox").ok().out()).get("id").asText());
    long blobs;
    try (Stream<Path> l = Files.list(s.resolve("blobs/sha256"))) {
      blobs = l.count();
    }
    strata(
            s,
            "save",
            "busybox",
            "-o",
            dir.resolve("o2.tar").toString(),
            "--format",
            "oci",
            "--compression",
            "gzip")
        .ok();
    try (Stream<Path> l = Files.list(s.resolve("blobs/sha256"))) {
      assertEquals(blobs, l.count(), "the gzip layer is made once and remembered");
    }
    StrataProcess.Result r =
        strata(
            s, "save", "busybox", "-o", dir.resolve("d.tar").toString(), "--compression", "gzip");
    assertEquals(1, r.exit(), r.err());
  }
}
