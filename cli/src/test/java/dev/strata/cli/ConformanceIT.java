package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strata.codec.Compression;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Strata's own Dockerfile conformance suite (issue 18): each directory of {@code
 * src/test/resources/conformance} is a build context (its {@code setup.sh}, when present, makes
 * what git cannot hold: symlinks, hard links, modes, names with * and ?), built by the real
 * bin/strata as the test user with {@code --output type=oci} and SOURCE_DATE_EPOCH, and the image
 * is dumped and compared with the case's {@code expected.json}: the config fields a Dockerfile
 * sets, the history, and every entry the build's own layers add (type, mode, owner, size, sha256,
 * link target, mtime), flattened in order. A build that fails is compared by its error line. {@code
 * -Dstrata.conformance.update=true} rewrites the expectations; review the diff. The folder's
 * README.md says what each case shows and which differences from BuildKit it records.
 */
class ConformanceIT {
  static final Path ROOT = Path.of("src/test/resources/conformance");
  static final boolean UPDATE = Boolean.getBoolean("strata.conformance.update");

  /** Only the cases whose names contain this (comma-separated), when set: a quicker rerun. */
  static final String ONLY = System.getProperty("strata.conformance.cases", "");

  /** Every context file's mtime, so the image's are the same on any checkout. */
  static final long CONTEXT_MTIME = 1577836800L; // 2020-01-01

  /** Later than CONTEXT_MTIME: what the build makes is clamped to it, the context's kept. */
  static final String EPOCH = "1700000000";

  static final List<String> CONFIG_FIELDS =
      List.of(
          "Env", "WorkingDir", "User", "Entrypoint", "Cmd", "Volumes", "ExposedPorts", "Labels");

  @TempDir static Path dir;
  static Path store;
  static List<String> busyboxDiffIds;

  @BeforeAll
  static void busybox() throws Exception {
    store = StrataProcess.busyboxStore(dir);
    JsonNode c =
        Json.parse(
                StrataProcess.strata(store, "inspect", "busybox")
                    .ok()
                    .out()
                    .getBytes(StandardCharsets.UTF_8))
            .get("config");
    busyboxDiffIds = new ArrayList<>();
    c.get("rootfs").get("diff_ids").forEach(d -> busyboxDiffIds.add(d.asText()));
  }

  @AfterAll
  static void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  @TestFactory
  Stream<DynamicTest> cases() throws IOException {
    List<Path> cases;
    try (Stream<Path> s = Files.list(ROOT)) {
      cases = s.filter(Files::isDirectory).sorted().toList();
    }
    assertTrue(cases.size() >= 10, "expected the conformance cases, found " + cases.size());
    return cases.stream()
        .filter(c -> ONLY.isEmpty() || selected(c.getFileName().toString()))
        .map(c -> DynamicTest.dynamicTest(c.getFileName().toString(), () -> check(c)));
  }

  private static boolean selected(String name) {
    for (String part : ONLY.split(",")) {
      if (!part.isBlank() && name.contains(part.strip())) {
        return true;
      }
    }
    return false;
  }

  private static void check(Path caseDir) throws Exception {
    String name = caseDir.getFileName().toString();
    Path ctx = context(caseDir, dir.resolve("ctx-" + name));
    Path out = dir.resolve("out-" + name);
    StrataProcess.Result r =
        StrataProcess.run(
            List.of(
                bin().toString(),
                "--root",
                store.toString(),
                "--progress",
                "plain",
                "build",
                "--output",
                "type=oci,dest=" + out,
                ctx.toString()),
            Map.of("SOURCE_DATE_EPOCH", EPOCH));
    ObjectNode actual = Json.object();
    if (r.exit() != 0) {
      List<String> lines = r.err().lines().toList();
      actual.put("error", lines.isEmpty() ? "exit " + r.exit() : lines.get(lines.size() - 1));
    } else {
      dump(out, actual);
    }
    String text = lines(actual);
    Path expected = caseDir.resolve("expected.json");
    if (UPDATE) {
      Files.writeString(expected, text);
      return;
    }
    assertTrue(
        Files.exists(expected),
        expected + " is missing; make it with -Dstrata.conformance.update=true\n" + text);
    // compared as JSON trees, shown as text: a failure reads as a diff of lines
    String want = Files.readString(expected);
    if (!Json.parse(want.getBytes(StandardCharsets.UTF_8)).equals(actual)) {
      assertEquals(want, text, name + " (stderr:\n" + r.err() + ")");
    }
  }

  /** The dump with one array element a line, so a golden file's diff names the entry. */
  static String lines(ObjectNode dump) {
    StringBuilder sb = new StringBuilder("{\n");
    for (var it = dump.fields(); it.hasNext(); ) {
      var f = it.next();
      sb.append("  ").append(Json.text(TextNode.valueOf(f.getKey()))).append(": ");
      JsonNode v = f.getValue();
      if (v.isArray() && !v.isEmpty()) {
        sb.append("[\n");
        for (int i = 0; i < v.size(); i++) {
          sb.append("    ").append(Json.text(v.get(i))).append(i + 1 < v.size() ? ",\n" : "\n");
        }
        sb.append("  ]");
      } else {
        sb.append(Json.text(v));
      }
      sb.append(it.hasNext() ? ",\n" : "\n");
    }
    return sb.append("}\n").toString();
  }

  /** The case's files (not expected.json, setup.sh) in {@code ctx}, setup.sh run, mtimes set. */
  static Path context(Path caseDir, Path ctx) throws Exception {
    Files.createDirectories(ctx);
    try (Stream<Path> w = Files.walk(caseDir)) {
      for (Path p : (Iterable<Path>) w::iterator) {
        Path rel = caseDir.relativize(p);
        String n = rel.toString();
        if (n.isEmpty() || n.equals("expected.json") || n.equals("setup.sh")) {
          continue;
        }
        if (Files.isDirectory(p)) {
          Files.createDirectories(ctx.resolve(rel));
        } else {
          Files.copy(p, ctx.resolve(rel));
        }
      }
    }
    Path setup = caseDir.resolve("setup.sh");
    if (Files.exists(setup)) {
      StrataProcess.run(
              List.of(
                  "sh",
                  "-ec",
                  "cd \"$1\" && . \"$2\"",
                  "sh",
                  ctx.toString(),
                  setup.toAbsolutePath().toString()),
              Map.of())
          .ok();
    }
    StrataProcess.run(
            List.of(
                "find",
                ctx.toString(),
                "-exec",
                "touch",
                "-h",
                "-d",
                "@" + CONTEXT_MTIME,
                "{}",
                "+"),
            Map.of())
        .ok();
    return ctx;
  }

  /** Config, history and the build's own layers of the OCI layout {@code out}. */
  static void dump(Path out, ObjectNode into) throws IOException {
    dump(out, into, busyboxDiffIds);
  }

  /** The same, with the base busybox's diff_ids as the builder that made {@code out} has them. */
  static void dump(Path out, ObjectNode into, List<String> busyboxDiffIds) throws IOException {
    JsonNode index = Json.parse(Files.readAllBytes(out.resolve("index.json")));
    JsonNode manifest = blob(out, index.get("manifests").get(0).get("digest").asText());
    JsonNode config = blob(out, manifest.get("config").get("digest").asText());
    ObjectNode c = into.putObject("config");
    for (String f : CONFIG_FIELDS) {
      JsonNode v = config.path("config").get(f);
      if (v != null && !v.isNull()) {
        c.set(f, v);
      }
    }
    ArrayNode history = into.putArray("history");
    for (JsonNode h : config.path("history")) {
      history.add(
          h.path("created_by").asText()
              + (h.path("empty_layer").asBoolean(false) ? "  (empty_layer)" : ""));
    }
    // the base's layers are busybox's when the diff_ids start with them; only the build's are shown
    List<String> diffIds = new ArrayList<>();
    config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
    int skip =
        diffIds.size() >= busyboxDiffIds.size()
                && diffIds.subList(0, busyboxDiffIds.size()).equals(busyboxDiffIds)
            ? busyboxDiffIds.size()
            : 0;
    into.put("baseLayers", skip == 0 ? "none" : "busybox");
    Map<String, String> files = new TreeMap<>();
    JsonNode layers = manifest.get("layers");
    for (int i = skip; i < layers.size(); i++) {
      Path blob = blobPath(out, layers.get(i).get("digest").asText());
      try (InputStream in =
          Compression.decompressAny(new BufferedInputStream(Files.newInputStream(blob)))) {
        apply(new TarReader(in), files);
      }
    }
    ArrayNode f = into.putArray("files");
    files.forEach((path, line) -> f.add(path + " " + line));
  }

  /** One layer onto the flattened view: whiteouts remove what lies below them. */
  private static void apply(TarReader tar, Map<String, String> files) throws IOException {
    for (TarEntry e; (e = tar.next()) != null; ) {
      String path = e.name().startsWith("./") ? e.name().substring(2) : e.name();
      while (path.endsWith("/") && path.length() > 1) {
        path = path.substring(0, path.length() - 1);
      }
      int slash = path.lastIndexOf('/');
      String base = path.substring(slash + 1);
      String parent = slash < 0 ? "" : path.substring(0, slash + 1);
      if (base.equals(".wh..wh..opq")) {
        files.keySet().removeIf(p -> p.startsWith(parent) && !p.equals(parent));
        files.put(parent + "(opaque)", "");
        continue;
      }
      if (base.startsWith(".wh.")) {
        String hidden = parent + base.substring(4);
        files.keySet().removeIf(p -> p.equals(hidden) || p.startsWith(hidden + "/"));
        files.put(hidden, "whiteout");
        continue;
      }
      files.put(path, describe(e, tar));
    }
  }

  private static String describe(TarEntry e, TarReader tar) throws IOException {
    String type =
        switch (e.type()) {
          case TarEntry.FILE -> "file";
          case TarEntry.DIR -> "dir";
          case TarEntry.SYMLINK -> "symlink";
          case TarEntry.HARDLINK -> "hardlink";
          default -> "type-" + e.type();
        };
    StringBuilder s = new StringBuilder(type);
    s.append(' ').append(String.format("%04o", e.mode() & 07777));
    s.append(' ').append(e.uid()).append(':').append(e.gid());
    if (e.type() == TarEntry.FILE) {
      MessageDigest md = Digest.newSha256();
      long size = 0;
      try (InputStream in = tar.content()) {
        byte[] buf = new byte[8192];
        for (int n; (n = in.read(buf)) > 0; ) {
          md.update(buf, 0, n);
          size += n;
        }
      }
      s.append(" size=").append(size);
      s.append(" sha256=").append(Digest.fromSha256(md.digest()).hex(), 0, 16);
    }
    if (!e.linkName().isEmpty()) {
      s.append(" -> ").append(e.linkName());
    }
    s.append(" mtime=").append(e.mtimeSec());
    return s.toString();
  }

  private static JsonNode blob(Path out, String digest) throws IOException {
    return Json.parse(Files.readAllBytes(blobPath(out, digest)));
  }

  private static Path blobPath(Path out, String digest) {
    int colon = digest.indexOf(':');
    return out.resolve("blobs")
        .resolve(digest.substring(0, colon))
        .resolve(digest.substring(colon + 1));
  }
}
