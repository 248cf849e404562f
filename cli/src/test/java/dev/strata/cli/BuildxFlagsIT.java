package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker buildx build flags CI scripts pass, end to end on busybox (issue 18). */
class BuildxFlagsIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  private static JsonNode json(String s) throws Exception {
    return Json.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void labelsAnnotationsIdFilesAndQuiet() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir, "FROM busybox\nLABEL a=stage b=stage\nRUN echo hi > /f\n", Map.of());
    Path iid = dir.resolve("iid");
    Path meta = dir.resolve("meta.json");
    StrataProcess.Result r =
        strata(
                s,
                "build",
                "-q",
                "--load",
                "-t",
                "app:1",
                "--label",
                "b=cli",
                "--label",
                "c",
                "--annotation",
                "org.opencontainers.image.source=https://example.com/app",
                "--annotation",
                "manifest:k=v=w",
                "--iidfile",
                iid.toString(),
                "--metadata-file",
                meta.toString(),
                ctx.toString())
            .ok();
    String id = Files.readString(iid);
    assertTrue(id.matches("sha256:[0-9a-f]{64}"), "the image id, no newline: [" + id + "]");
    assertEquals(id + "\n", r.out(), "-q: only the image id on stdout");
    assertFalse(r.err().contains("STEP"), "-q: no progress: " + r.err());
    JsonNode img = json(strata(s, "inspect", "app:1").ok().out());
    assertEquals(id, img.get("id").asText());
    assertEquals(
        json("{\"a\":\"stage\",\"b\":\"cli\",\"c\":\"\"}"),
        img.get("config").get("config").get("Labels"),
        "--label over the stage's LABEL");
    assertEquals(
        json("{\"k\":\"v=w\",\"org.opencontainers.image.source\":\"https://example.com/app\"}"),
        img.get("manifest").get("annotations"));
    JsonNode m = Json.parse(Files.readAllBytes(meta));
    assertEquals(id, m.get("containerimage.config.digest").asText());
    assertEquals(img.get("digest").asText(), m.get("containerimage.digest").asText());
    assertEquals("app:1", m.get("image.name").asText());
    // the flags change no step: the same build without them hits every step, no label, no
    // annotation
    StrataProcess.Result plain = strata(s, "build", "-t", "app:2", ctx.toString()).ok();
    assertTrue(plain.err().contains("every step cached"), plain.err());
    JsonNode img2 = json(strata(s, "inspect", "app:2").ok().out());
    assertEquals(
        json("{\"a\":\"stage\",\"b\":\"stage\"}"), img2.get("config").get("config").get("Labels"));
    assertFalse(img2.get("manifest").has("annotations"), img2.toString());
  }

  @Test
  void badValuesAndUnknownFlagsAreRefusedByName() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx = StrataProcess.context(dir, "FROM busybox\n", Map.of());
    String[][] cases = {
      {"--label", "=x", "--label =x"},
      {"--annotation", "index:k=v", "--annotation index:k=v"},
      {"--annotation", "k", "--annotation k"},
      {"--push", null, "--push: want a name"},
      {"--network", "bridge", "--network bridge"},
    };
    for (String[] c : cases) {
      StrataProcess.Result r =
          c[1] == null
              ? strata(s, "build", c[0], ctx.toString())
              : strata(s, "build", c[0], c[1], ctx.toString());
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().contains("Error: " + c[2]), r.err());
    }
    StrataProcess.Result unknown = strata(s, "build", "--sbom=true", ctx.toString());
    assertEquals(2, unknown.exit(), unknown.err());
    assertTrue(unknown.err().contains("Unknown option: '--sbom=true'"), unknown.err());
  }
}
