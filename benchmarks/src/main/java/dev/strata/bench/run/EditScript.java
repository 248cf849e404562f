package dev.strata.bench.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A script of edits for {@code strata bench edits} (YAML, README "strata bench"): a list under
 * {@code edits:}, each with a {@code name} and exactly one operation, applied in order to a copy of
 * the context, each followed by a build:
 *
 * <pre>
 * edits:
 *   - name: change the greeting
 *     replace: {file: main.go, old: "Hello", new: "Hello again"}
 *   - {name: set line 3 of go.mod, set-line: {file: go.mod, line: 3, text: "go 1.20"}}
 *   - {name: a comment in the Dockerfile, append: {file: Dockerfile, text: "# note"}}
 *   - {name: touch main.go, touch: main.go}
 *   - {name: a new file, add: {file: docs/new.md, text: "new"}}
 *   - {name: drop it, remove: docs/new.md}
 *   - {name: a build arg, build-arg: {VERSION: "2"}}
 * </pre>
 *
 * A build arg set by an edit stays set for the builds after it.
 */
public final class EditScript {
  /** One edit: its name, and what it does to the context. */
  public record Edit(String name, String op, String file, Map<String, String> args) {}

  private static final List<String> OPS =
      List.of("replace", "set-line", "append", "touch", "add", "remove", "build-arg");

  private final List<Edit> edits;

  private EditScript(List<Edit> edits) {
    this.edits = List.copyOf(edits);
  }

  public List<Edit> edits() {
    return edits;
  }

  public static EditScript read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
  }

  static EditScript parse(String yaml, String where) throws IOException {
    JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    JsonNode list = root == null ? null : root.get("edits");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IOException(where + ": expected a non-empty list under \"edits:\"");
    }
    List<Edit> out = new ArrayList<>();
    int i = 0;
    for (JsonNode e : list) {
      i++;
      String at = where + ": edit " + i;
      String name = e.path("name").asText("");
      if (name.isEmpty()) {
        throw new IOException(at + ": has no name");
      }
      String op = null;
      for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (k.equals("name")) {
          continue;
        }
        if (!OPS.contains(k)) {
          throw new IOException(at + " (" + name + "): unknown operation " + k + "; one of " + OPS);
        }
        if (op != null) {
          throw new IOException(at + " (" + name + "): two operations, " + op + " and " + k);
        }
        op = k;
      }
      if (op == null) {
        throw new IOException(at + " (" + name + "): no operation; one of " + OPS);
      }
      JsonNode v = e.get(op);
      Map<String, String> args = new LinkedHashMap<>();
      String file;
      if (v.isTextual()) {
        file = v.asText();
      } else {
        v.fields().forEachRemaining(f -> args.put(f.getKey(), f.getValue().asText()));
        file = args.remove("file");
      }
      if (!op.equals("build-arg") && (file == null || file.isEmpty())) {
        throw new IOException(at + " (" + name + "): " + op + " needs a file");
      }
      if (file != null && (file.startsWith("/") || List.of(file.split("/")).contains(".."))) {
        throw new IOException(at + " (" + name + "): " + file + " is not inside the context");
      }
      for (String needed : needed(op)) {
        if (!args.containsKey(needed)) {
          throw new IOException(at + " (" + name + "): " + op + " needs " + needed);
        }
      }
      out.add(new Edit(name, op, file, args));
    }
    return new EditScript(out);
  }

  private static List<String> needed(String op) {
    return switch (op) {
      case "replace" -> List.of("old", "new");
      case "set-line" -> List.of("line", "text");
      case "append", "add" -> List.of("text");
      default -> List.of();
    };
  }

  /**
   * Applies one edit to {@code context}; build args go into {@code buildArgs}. Returns the paths it
   * changed (for a build arg, "build-arg NAME").
   */
  static List<String> apply(Edit e, Path context, Map<String, String> buildArgs)
      throws IOException {
    Path f = e.file() == null ? null : context.resolve(e.file());
    String where = "edit \"" + e.name() + "\"";
    switch (e.op()) {
      case "replace" -> {
        String text = read(f, where);
        String old = e.args().get("old");
        int at = text.indexOf(old);
        if (at < 0) {
          throw new IOException(where + ": \"" + old + "\" is not in " + e.file());
        }
        Files.writeString(
            f, text.substring(0, at) + e.args().get("new") + text.substring(at + old.length()));
      }
      case "set-line" -> {
        List<String> lines = new ArrayList<>(List.of(read(f, where).split("\n", -1)));
        int n = Integer.parseInt(e.args().get("line"));
        if (n < 1 || n > lines.size()) {
          throw new IOException(where + ": " + e.file() + " has no line " + n);
        }
        lines.set(n - 1, e.args().get("text"));
        Files.writeString(f, String.join("\n", lines));
      }
      case "append" -> {
        String text = read(f, where);
        String sep = text.isEmpty() || text.endsWith("\n") ? "" : "\n";
        Files.writeString(f, text + sep + e.args().get("text") + "\n");
      }
      case "touch" -> {
        read(f, where);
        Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
      }
      case "add" -> {
        Files.createDirectories(f.getParent());
        Files.writeString(f, e.args().get("text"));
      }
      case "remove" -> {
        if (!Files.deleteIfExists(f)) {
          throw new IOException(where + ": no file " + e.file() + " to remove");
        }
      }
      case "build-arg" -> {
        buildArgs.putAll(e.args());
        return e.args().keySet().stream().map(k -> "build-arg " + k).toList();
      }
      default -> throw new IllegalStateException("unknown operation " + e.op());
    }
    return List.of(e.file());
  }

  private static String read(Path f, String where) throws IOException {
    if (!Files.isRegularFile(f)) {
      throw new IOException(where + ": no file " + f);
    }
    return Files.readString(f, StandardCharsets.UTF_8);
  }
}
