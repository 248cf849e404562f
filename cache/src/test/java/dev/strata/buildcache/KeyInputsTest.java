package dev.strata.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The typed step inputs' one encoding (KeyInputs, CacheKey), pinned by a golden file named after
 * {@link KeyInputs#VERSION}: a changed encoding fails here until the version changes, and a new
 * version's file is written with {@code -Dstrata.golden.update=true} (review the diff). Stores
 * warmed by earlier versions hit only while the keys below stay as they are.
 */
class KeyInputsTest {
  static final Path GOLDEN =
      Path.of("src/test/resources/keyinputs", KeyInputs.VERSION.replace('/', '-') + ".txt");

  private static final KeyInputs.Mount CACHE =
      new KeyInputs.Mount(
          "cache",
          "/root/.cache",
          null,
          null,
          false,
          "go",
          "locked",
          "0755",
          0L,
          0L,
          false,
          null,
          null);
  private static final KeyInputs.Mount BIND =
      new KeyInputs.Mount(
          "bind", "/src", "src", null, true, null, null, null, null, null, false, null, null);

  /** Every kind of step input, each case one line of the golden file. */
  static Map<String, KeyInputs> cases() {
    Map<String, KeyInputs> c = new LinkedHashMap<>();
    c.put(
        "run",
        KeyInputs.run(
            "",
            "/src",
            List.of("PATH=/usr/bin:/bin", "VERSION=dev"),
            List.of("/bin/sh", "-c"),
            "default",
            KeyInputs.mountsText(List.of(), List.of())));
    c.put(
        "run-mounts",
        KeyInputs.run(
            "app:app",
            "/",
            List.of(),
            List.of("/bin/bash", "-eo", "pipefail", "-c"),
            "none",
            KeyInputs.mountsText(List.of(CACHE, BIND), List.of("src sha256:" + "1".repeat(64)))));
    c.put("copy", KeyInputs.copy("", "/app", "sha256:" + "a".repeat(64), List.of(), null));
    c.put(
        "add-urls",
        KeyInputs.copy(
            "",
            "",
            null,
            List.of("https://example.com/a.tgz sha256:" + "b".repeat(64), "https://x/y etag"),
            null));
    c.put(
        "copy-link-chown",
        KeyInputs.copy("u", "/w", "sha256:" + "c".repeat(64), List.of(), "10001:10001")
            .withoutUser(true));
    return c;
  }

  static String render() {
    StringBuilder sb = new StringBuilder(KeyInputs.VERSION).append('\n');
    for (Map.Entry<String, KeyInputs> e : cases().entrySet()) {
      sb.append("case ").append(e.getKey()).append('\n');
      e.getValue()
          .encode()
          .forEach(
              (k, v) ->
                  sb.append("  ")
                      .append(k)
                      .append(" = ")
                      .append(v.replace("\n", "\\n"))
                      .append('\n'));
      sb.append("  key ").append(CacheKey.scratch().child("RUN x", e.getValue())).append('\n');
    }
    return sb.toString();
  }

  @Test
  void encodingIsTheGoldenOneOfItsVersion() throws IOException {
    String now = render();
    if (Boolean.getBoolean("strata.golden.update")) {
      Files.writeString(GOLDEN, now);
    }
    assertTrue(
        Files.exists(GOLDEN),
        GOLDEN + " is missing: a new encoding version? run with -Dstrata.golden.update=true");
    assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), now);
  }

  @Test
  void theKeysOfStoresWarmedBeforeTheTypeStayTheSame() {
    // the map RunOp built before inputs had a type, for the same RUN
    Map<String, String> old = new LinkedHashMap<>();
    old.put("user", "");
    old.put("workdir", "/src");
    old.put("env", "PATH=/usr/bin:/bin\nVERSION=dev");
    old.put("shell", "/bin/sh -c");
    old.put("network", "default");
    old.put("mounts", "[]");
    assertEquals(
        CacheKey.scratch().child("RUN x", old),
        CacheKey.scratch().child("RUN x", cases().get("run")));
  }

  @Test
  void decodingGivesBackWhatWasEncoded() {
    for (KeyInputs k : cases().values()) {
      assertEquals(k.encode(), KeyInputs.decode(k.encode()).encode());
    }
  }
}
