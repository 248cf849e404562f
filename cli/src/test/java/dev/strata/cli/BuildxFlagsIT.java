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

  private static String runCache(Path stats) throws Exception {
    JsonNode st = Json.parse(Files.readAllBytes(stats)).get("steps");
    StringBuilder sb = new StringBuilder();
    st.forEach(x -> sb.append(x.get("cache").isNull() ? "-" : x.get("cache").asText()).append(' '));
    return sb.toString().strip();
  }

  @Test
  void addHostIsSeenByRunStepsAndIsPartOfTheirKey() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\nRUN cat /etc/hosts > /seen\nRUN --network=none cat /etc/hosts > /none || true\n",
            Map.of());
    Path st = dir.resolve("st.json");
    strata(s, "build", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals("- miss miss", runCache(st));
    Path out = dir.resolve("out");
    strata(
            s,
            "build",
            "--add-host",
            "db.local:10.1.2.3",
            "--add-host",
            "v6.local=fd00::1",
            "--stats-json",
            st.toString(),
            "-o",
            "type=local,dest=" + out,
            ctx.toString())
        .ok();
    assertEquals("- miss miss", runCache(st), "--add-host is part of the RUN keys");
    for (String f : new String[] {"seen", "none"}) {
      String hosts = Files.readString(out.resolve(f));
      assertTrue(hosts.contains("10.1.2.3\tdb.local\nfd00::1\tv6.local\n"), f + ": " + hosts);
      assertTrue(hosts.contains("localhost"), f + ": " + hosts);
    }
    Path etcHosts = out.resolve("etc/hosts");
    assertFalse(
        Files.exists(etcHosts) && Files.readString(etcHosts).contains("db.local"),
        "the hosts file stays out of the layers");
    strata(s, "build", "--stats-json", st.toString(), ctx.toString()).ok();
    assertEquals("- hit hit", runCache(st), "without --add-host the keys are as before");
    StrataProcess.Result bad = strata(s, "build", "--add-host", "db:example.com", ctx.toString());
    assertEquals(1, bad.exit(), bad.err());
    assertTrue(bad.err().contains("Error: --add-host db:example.com"), bad.err());
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
