package dev.strata.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EditScriptTest {
  @TempDir Path dir;

  private static final String SCRIPT =
      String.join(
          "\n",
          "edits:",
          "  - name: change the greeting",
          "    replace: {file: main.go, old: Hello, new: Hi}",
          "  - {name: go version, set-line: {file: go.mod, line: 2, text: go 1.20}}",
          "  - {name: comment, append: {file: Dockerfile, text: '# note'}}",
          "  - {name: touch, touch: main.go}",
          "  - {name: new file, add: {file: docs/a.md, text: a}}",
          "  - {name: drop it, remove: docs/a.md}",
          "  - {name: arg, build-arg: {V: '2'}}",
          "");

  @Test
  void everyOperationApplies() throws Exception {
    Files.writeString(dir.resolve("main.go"), "println(\"Hello\")\n");
    Files.writeString(dir.resolve("go.mod"), "module x\ngo 1.19\n");
    Files.writeString(dir.resolve("Dockerfile"), "FROM busybox");
    EditScript s = EditScript.parse(SCRIPT, "edits.yaml");
    assertEquals(7, s.edits().size());
    Map<String, String> args = new LinkedHashMap<>();
    List<List<String>> changed =
        s.edits().stream()
            .map(
                e -> {
                  try {
                    return EditScript.apply(e, dir, args);
                  } catch (IOException x) {
                    throw new IllegalStateException(x);
                  }
                })
            .toList();
    assertEquals("println(\"Hi\")\n", Files.readString(dir.resolve("main.go")));
    assertEquals("module x\ngo 1.20\n", Files.readString(dir.resolve("go.mod")));
    assertEquals("FROM busybox\n# note\n", Files.readString(dir.resolve("Dockerfile")));
    assertTrue(!Files.exists(dir.resolve("docs/a.md")));
    assertEquals(Map.of("V", "2"), args);
    assertEquals(List.of("build-arg V"), changed.get(6));
    assertEquals(List.of("main.go"), changed.get(0));
  }

  @Test
  void mistakesAreNamed() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> EditScript.parse("edits:\n  - {name: x, rename: a}\n", "e.yaml"));
    assertTrue(
        e.getMessage().startsWith("e.yaml: edit 1 (x): unknown operation rename"), e.getMessage());
    e =
        assertThrows(
            IOException.class,
            () -> EditScript.parse("edits:\n  - {name: x, touch: ../out}\n", "e.yaml"));
    assertTrue(e.getMessage().contains("../out is not inside the context"), e.getMessage());
    e = assertThrows(IOException.class, () -> EditScript.parse("steps: []\n", "e.yaml"));
    assertTrue(e.getMessage().contains("under \"edits:\""), e.getMessage());
    e =
        assertThrows(
            IOException.class,
            () -> EditScript.parse("edits:\n  - {name: x, replace: {file: a}}\n", "e.yaml"));
    assertTrue(e.getMessage().contains("replace needs old"), e.getMessage());
  }
}
