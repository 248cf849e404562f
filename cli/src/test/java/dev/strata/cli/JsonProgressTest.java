package dev.strata.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.oci.Json;
import dev.strata.solver.BuildProgress.Step;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonProgressTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final JsonProgress p = new JsonProgress(new PrintStream(bytes, true, UTF_8));
  private static final Step RUN = new Step(1, "builder", 5, 12, 9, "RUN go build");

  private List<JsonNode> events() {
    List<JsonNode> l = new ArrayList<>();
    String all = bytes.toString(UTF_8);
    assertTrue(all.isEmpty() || all.endsWith("\n"), "whole lines only");
    for (String line : all.split("\n", -1)) {
      if (!line.isEmpty()) {
        l.add(Json.parseObject(line.getBytes(UTF_8))); // throws on a line that is not one object
      }
    }
    return l;
  }

  private static void say(JsonProgress p, Step s, byte[] b) {
    p.output(s, b, 0, b.length);
  }

  /** A step's output put back together from its events, whichever field carries it. */
  private static Map<Integer, ByteArrayOutputStream> outputs(List<JsonNode> events) {
    Map<Integer, ByteArrayOutputStream> m = new HashMap<>();
    for (JsonNode e : events) {
      if (e.get("event").asText().equals("output")) {
        byte[] b =
            e.has("data")
                ? e.get("data").asText().getBytes(UTF_8)
                : Base64.getDecoder().decode(e.get("dataBase64").asText());
        m.computeIfAbsent(e.get("step").asInt(), k -> new ByteArrayOutputStream()).writeBytes(b);
      }
    }
    return m;
  }

  @Test
  void everyEventIsOneObjectWithTheDocumentedFields() {
    p.info("every step cached");
    p.started(RUN);
    say(p, RUN, "compiling\nlinking".getBytes(UTF_8));
    p.warning(RUN, "chown: no such user");
    p.warning(null, "base image has no history");
    p.done(RUN, "miss", 3.25);
    Step fail = new Step(0, "0", 2, 12, 2, "RUN false");
    p.started(fail);
    p.failed(fail, "Dockerfile:2: RUN false: exit status 1", 0.0104);
    p.close();
    List<JsonNode> ev = events();
    assertEquals(
        List.of(
            "info", "started", "output", "warning", "warning", "output", "done", "started",
            "failed"),
        ev.stream().map(e -> e.get("event").asText()).toList());
    JsonNode started = ev.get(1);
    assertEquals(
        "{\"event\":\"started\",\"time\":"
            + Json.text(started.get("time"))
            + ",\"step\":5,\"total\":12,\"stage\":1,\"stageName\":\"builder\",\"line\":9,\"text\":\"RUN go build\"}",
        Json.text(started));
    Instant.parse(started.get("time").asText()); // ISO-8601 UTC
    assertEquals("compiling\n", ev.get(2).get("data").asText());
    assertEquals(
        "linking", ev.get(5).get("data").asText(), "a partial line is sent when its step ends");
    assertEquals("chown: no such user", ev.get(3).get("message").asText());
    assertEquals(5, ev.get(3).get("step").asInt());
    assertTrue(!ev.get(4).has("step"), "a build-wide warning has no step");
    assertEquals("miss", ev.get(6).get("cache").asText());
    assertEquals("3.250", ev.get(6).get("seconds").decimalValue().toPlainString());
    assertEquals("Dockerfile:2: RUN false: exit status 1", ev.get(8).get("message").asText());
    assertEquals(0.01, ev.get(8).get("seconds").asDouble());
    assertEquals("every step cached", ev.get(0).get("message").asText());
    p.started(RUN);
    p.done(RUN, null, 0);
    assertTrue(events().get(10).get("cache").isNull(), "FROM and metadata steps: cache null");
  }

  @Test
  void outputIsLosslessInvalidUtf8AndLongLinesIncluded() {
    ByteArrayOutputStream want = new ByteArrayOutputStream();
    byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9, '\n'}; // not UTF-8: goes as base64
    byte[] longLine =
        ("é".repeat(JsonProgress.MAX_CHUNK) + "\n")
            .getBytes(UTF_8); // 2-byte chars across chunk ends
    p.started(RUN);
    for (byte[] b : List.of("plain\n".getBytes(UTF_8), latin1, longLine, "tail".getBytes(UTF_8))) {
      for (int i = 0; i < b.length; i += 7) { // fed in odd slices, as a pipe delivers
        p.output(RUN, b, i, Math.min(7, b.length - i));
      }
      want.writeBytes(b);
    }
    p.done(RUN, "miss", 1);
    List<JsonNode> ev = events();
    assertArrayEquals(want.toByteArray(), outputs(ev).get(5).toByteArray());
    assertEquals("Y2Fm6Qo=", ev.get(2).get("dataBase64").asText());
    for (JsonNode e : ev) {
      if (e.has("data")) {
        assertTrue(
            e.get("data").asText().getBytes(UTF_8).length <= JsonProgress.MAX_CHUNK,
            "chunks are bounded");
      }
    }
    assertTrue(ev.stream().filter(e -> e.has("data")).count() >= 4, "the long line went in chunks");
  }

  @Test
  void twoThreadsNeverTearALine() throws Exception {
    Thread[] ts = new Thread[2];
    ByteArrayOutputStream[] want = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    for (int t = 0; t < 2; t++) {
      int me = t;
      ts[t] =
          new Thread(
              () -> {
                Step s = new Step(me, "s" + me, me + 1, 2, 1, "RUN loop");
                p.started(s);
                for (int k = 0; k < 2000; k++) {
                  byte[] b =
                      ("thread " + me + " says \"" + k + "\"" + (k % 5 == 0 ? "\n" : " "))
                          .getBytes(UTF_8);
                  synchronized (want[me]) {
                    want[me].writeBytes(b);
                  }
                  p.output(s, b, 0, b.length);
                }
                p.done(s, "miss", 1);
              });
      ts[t].start();
    }
    for (Thread t : ts) {
      t.join();
    }
    Map<Integer, ByteArrayOutputStream> got = outputs(events());
    assertArrayEquals(want[0].toByteArray(), got.get(1).toByteArray());
    assertArrayEquals(want[1].toByteArray(), got.get(2).toByteArray());
  }
}
