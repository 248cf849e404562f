package dev.strata.cli;

import static dev.strata.cli.StrataProcess.requireTool;
import static dev.strata.cli.StrataProcess.run;
import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image config strata build writes matches buildah's for the same Dockerfile, field by field
 * (issue 7). No RUN: buildah then needs no OCI runtime, which this host's cgroup setup makes
 * awkward.
 */
class BuildahParityIT {
  @TempDir Path dir;

  static final List<String> FIELDS =
      List.of(
          "Env",
          "Entrypoint",
          "Cmd",
          "User",
          "WorkingDir",
          "ExposedPorts",
          "Labels",
          "StopSignal",
          "Healthcheck",
          "Volumes",
          "OnBuild");

  @Test
  void configMatchesBuildahFieldByField() throws Exception {
    requireTool("buildah", "buildah");
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(ctx.resolve("a.txt"), "a\n");
    Files.writeString(
        ctx.resolve("Dockerfile"),
        String.join(
            "\n",
            "FROM scratch",
            "COPY a.txt /app/a.txt",
            "ENV PATH=/app:/bin A=\"x y\" B=1",
            "ENV B=2",
            "WORKDIR /app",
            "WORKDIR sub",
            "USER 1000:1000",
            "EXPOSE 8080 53/udp 443",
            "LABEL org.opencontainers.image.title=\"hello\" version=1.0 a.first=yes",
            "STOPSIGNAL SIGQUIT",
            "HEALTHCHECK --interval=30s --timeout=5s --start-period=1m --retries=4 CMD [\"/app/check\",\"--now\"]",
            "VOLUME /data /cache",
            "ONBUILD RUN echo child",
            "ENTRYPOINT [\"/app/run\"]",
            "CMD [\"--port\", \"8080\"]",
            ""));
    String bh =
        "--root="
            + dir.resolve("bh")
            + " --runroot="
            + dir.resolve("bhr")
            + " --storage-driver=vfs";
    List<String> g = List.of(bh.split(" "));
    run(cat(
            List.of("buildah"),
            g,
            List.of("bud", "-q", "--format", "docker", "-t", "parity", ctx.toString())))
        .ok();
    JsonNode theirs =
        Json.parse(
                run(cat(List.of("buildah"), g, List.of("inspect", "--type", "image", "parity")))
                    .ok()
                    .out()
                    .getBytes(StandardCharsets.UTF_8))
            .get("Docker")
            .get("config");
    ((ObjectNode) theirs.get("Labels")).remove("io.buildah.version");
    strata(dir.resolve("store"), "build", "-t", "parity", ctx.toString()).ok();
    JsonNode ours =
        Json.parse(
                strata(dir.resolve("store"), "inspect", "parity")
                    .ok()
                    .out()
                    .getBytes(StandardCharsets.UTF_8))
            .get("config")
            .get("config");
    for (String f : FIELDS) {
      assertEquals(
          Json.text(theirs.path(f)),
          Json.text(ours.path(f)),
          "config." + f + " differs from buildah's");
    }
  }

  private static String[] cat(List<String> a, List<String> b, List<String> c) {
    return java.util.stream.Stream.of(a, b, c).flatMap(List::stream).toArray(String[]::new);
  }
}
