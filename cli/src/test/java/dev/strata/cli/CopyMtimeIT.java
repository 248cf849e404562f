package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 row B: the directories COPY and ADD make get times from the sources, not the clock, so
 * the same context gives the same layers at any time, without SOURCE_DATE_EPOCH.
 */
class CopyMtimeIT {
  @TempDir Path dir;

  @AfterEach
  void cleanUp() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @Test
  void aRebuildLaterGivesTheSameLayers() throws Exception {
    Path s = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM scratch\n"
                // created parents, the destination of a directory source, copied directories
                + "COPY tree/ /made/deep/\n"
                + "COPY a.txt /x/y/\n"
                // ADD's archive: the destination it unpacks into is made by the copy
                + "ADD t.tar /unpacked/here/\n",
            Map.of("tree/sub/f.txt", "f", "a.txt", "a", "t/in.txt", "in"));
    StrataProcess.run(
            List.of(
                "tar",
                "-C",
                ctx.resolve("t").toString(),
                "-cf",
                ctx.resolve("t.tar").toString(),
                "in.txt"),
            Map.of())
        .ok();
    strata(s, "build", "-t", "one", ctx.toString()).ok();
    Thread.sleep(2100); // a clock-stamped directory would differ by at least a second
    strata(s, "build", "--no-cache", "-t", "two", ctx.toString()).ok();
    List<String> one = diffIds(s, "one");
    List<String> two = diffIds(s, "two");
    assertEquals(3, one.size(), one.toString());
    assertEquals(one, two, "layers of the same context built 2 s apart");
  }

  private static List<String> diffIds(Path store, String name) throws Exception {
    JsonNode c =
        Json.parse(strata(store, "inspect", name).ok().out().getBytes(StandardCharsets.UTF_8))
            .get("config");
    List<String> l = new ArrayList<>();
    c.get("rootfs").get("diff_ids").forEach(d -> l.add(d.asText()));
    assertTrue(!l.isEmpty(), "no layers in " + name);
    return l;
  }
}
