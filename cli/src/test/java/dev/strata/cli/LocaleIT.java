package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static dev.strata.cli.StrataProcess.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.codec.Compression;
import dev.strata.layer.tar.TarEntry;
import dev.strata.layer.tar.TarReader;
import dev.strata.oci.Json;
import dev.strata.posix.FileNames;
import dev.strata.validate.ArchiveValidator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names are bytes whatever the caller's locale (issue 19). Without LANG or LC_* (the norm in
 * CI images, where Java reads file names as ASCII) a build failed before it started on the first
 * non-ASCII name in a base image ("Malformed input or input contains unmappable characters"). Here
 * bin/strata runs with no locale at all and with LANG=C over names in several scripts, and over
 * names that are not UTF-8 at all: they reach the image's layers byte for byte, through import,
 * unpack, COPY --from, a context COPY and RUN.
 */
class LocaleIT {
  @TempDir Path dir;

  /** Names in the base image's tarball: Latin, CJK, emoji, a space, under PAX and raw ustar. */
  static final List<String> BASE_NAMES =
      List.of(
          "certs/NetLock_Arany_=Class_Gold=_Főtanúsítvány.pem",
          "certs/日本語の証明書.pem",
          "certs/😀🎉.pem",
          "certs/Ünïcödé dir/ファイル.txt");

  static final List<String> CONTEXT_NAMES = List.of("ctx/Főtanúsítvány.txt", "ctx/絵文字😀/x.txt");

  static final String LINK = "certs/リンク";

  @ParameterizedTest(name = "caller locale: {0}")
  @ValueSource(strings = {"none", "LANG=C"})
  void nonAsciiNames_reachTheLayersByteForByte(String locale) throws Exception {
    Map<String, String> env = callerLocale(locale);
    Path store = dir.resolve("store");
    strata(env, store, "import", fixture("busybox.tar").toString(), "busybox").ok();
    strata(env, store, "import", namesTarball(dir.resolve("names.tar")).toString(), "names").ok();
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    for (String n : CONTEXT_NAMES) {
      Path p = ctx.resolve(n);
      Files.createDirectories(p.getParent());
      Files.writeString(p, n + "\n");
    }
    Files.writeString(
        ctx.resolve("Dockerfile"),
        String.join(
            "\n",
            "FROM names AS n",
            "FROM busybox",
            "COPY --from=n /certs /certs",
            "COPY ctx /ctx",
            // find prints names as bytes (busybox ls would escape them); env shows the step's env
            "RUN find /certs /ctx | sort > /listing && env > /env.txt && ls /certs",
            ""));
    Path archive = dir.resolve("image.tar");
    strata(
            env,
            store,
            "build",
            "--progress",
            "plain",
            "-t",
            "out",
            "-o",
            "type=docker-archive,dest=" + archive,
            ctx.toString())
        .ok();

    // Again, all cached: now the first JVM alone reads the context and the store (no namespace)
    StrataProcess.Result again =
        strata(env, store, "build", "--progress", "plain", "-t", "out", ctx.toString()).ok();
    assertTrue(again.err().contains("hit rate 100%"), again.err());

    Map<String, byte[]> files = new HashMap<>();
    Set<String> names = layerNames(archive, files);
    for (String n : BASE_NAMES) {
      assertTrue(names.contains(n), n + " is not in the image's layers: " + names);
    }
    for (String n : CONTEXT_NAMES) {
      assertTrue(names.contains(n), n + " is not in the image's layers: " + names);
    }
    assertTrue(names.contains(LINK), LINK + " is not in the image's layers: " + names);

    // What the step saw, written by it as bytes: the same names, valid UTF-8.
    byte[] listing = files.get("listing");
    String text = FileNames.decode(listing);
    assertTrue(
        FileNames.isUtf8(text), "the step's listing is not UTF-8: " + FileNames.display(text));
    Set<String> seen = new TreeSet<>(List.of(text.split("\n")));
    for (String n : BASE_NAMES) {
      assertTrue(seen.contains("/" + n), "the step did not see /" + n + ": " + seen);
    }
    for (String n : CONTEXT_NAMES) {
      assertTrue(seen.contains("/" + n), "the step did not see /" + n + ": " + seen);
    }
    // The JVM's locale is not the step's: a step gets only the image's environment.
    String stepEnv = new String(files.get("env.txt"), StandardCharsets.UTF_8);
    for (String var : List.of("LC_ALL=", "LANG=", "STRATA_CALLER_LC_ALL=")) {
      assertFalse(("\n" + stepEnv).contains("\n" + var), var + " reached the step:\n" + stepEnv);
    }
    ArchiveValidator.assertValidDockerArchive(archive);
  }

  @ParameterizedTest(name = "caller locale: {0}")
  @ValueSource(strings = {"none", "LANG=C", "LC_ALL=POSIX"})
  void theCallersLocale_isWhatUnshareRunsIn(String locale) throws Exception {
    Map<String, String> env = callerLocale(locale);
    String seen = strata(env, dir.resolve("store"), "unshare", "--", "env").ok().out();
    List<String> vars = new ArrayList<>();
    for (String line : seen.split("\n")) {
      if (line.startsWith("LANG=") || line.startsWith("LC_") || line.startsWith("STRATA_CALLER")) {
        vars.add(line);
      }
    }
    assertEquals(locale.equals("none") ? List.of() : List.of(locale), vars);
  }

  /** "Főtanúsítvány" as Latin-1 ("ő" is not Latin-1; "õ" stands in): bytes that are not UTF-8. */
  static final String LATIN1 = "certs/F\u00f5tan\u00fas\u00edtv\u00e1ny.pem";

  /**
   * Names that are not UTF-8, from a base image's layer (a file and a symlink to it), the context
   * and a RUN step, built with no locale at all: {@code strata save} gives the same bytes back in
   * the image's layers, and the second build is all cache hits.
   */
  @Test
  void namesNotUtf8_areKeptByteForByte() throws Exception {
    Map<String, String> env = callerLocale("none");
    Path store = dir.resolve("store");
    Path tar = dir.resolve("latin1.tar");
    try (OutputStream o = Files.newOutputStream(tar);
        TarArchiveOutputStream t = new TarArchiveOutputStream(o, "ISO-8859-1")) {
      dir(t, "certs/");
      byte[] data = "latin-1\n".getBytes(StandardCharsets.US_ASCII);
      TarArchiveEntry e = new TarArchiveEntry(LATIN1);
      e.setSize(data.length);
      t.putArchiveEntry(e);
      t.write(data);
      t.closeArchiveEntry();
      TarArchiveEntry l = new TarArchiveEntry("certs/l\u00e9", TarArchiveEntry.LF_SYMLINK);
      l.setLinkName(LATIN1.substring("certs/".length()));
      t.putArchiveEntry(l);
      t.closeArchiveEntry();
    }
    strata(env, store, "import", fixture("busybox.tar").toString(), "busybox").ok();
    strata(env, store, "import", tar.toString(), "latin1").ok();
    Path ctx = Files.createDirectories(dir.resolve("ctx"));
    Files.writeString(Path.of(URI.create(ctx.toUri() + "x%FE")), "context\n");
    Files.writeString(
        ctx.resolve("Dockerfile"),
        String.join(
            "\n",
            "FROM latin1 AS l",
            "FROM busybox",
            "COPY --from=l /certs /certs",
            "COPY . /c/",
            "RUN touch \"/r$(printf '\\375')\" && cat /certs/l* /c/x* > /seen",
            ""));
    strata(env, store, "build", "--progress", "plain", "-t", "out", ctx.toString()).ok();
    Path archive = dir.resolve("image.tar");
    strata(env, store, "save", "out", "-o", archive.toString()).ok();

    Map<String, byte[]> files = new HashMap<>();
    Set<String> names = layerNames(archive, files);
    Map<String, String> bytes = new TreeMap<>();
    for (String n : names) {
      bytes.put(HexFormat.of().formatHex(FileNames.encode(n)), n);
    }
    for (String want : List.of(LATIN1, "certs/l\u00e9", "c/x\u00fe", "r\u00fd")) {
      String hex = HexFormat.of().formatHex(want.getBytes(StandardCharsets.ISO_8859_1));
      assertTrue(bytes.containsKey(hex), want + " (" + hex + ") is not in the layers: " + bytes);
    }
    assertEquals("latin-1\ncontext\n", new String(files.get("seen"), StandardCharsets.UTF_8));
    ArchiveValidator.assertValidDockerArchive(archive);

    StrataProcess.Result again =
        strata(env, store, "build", "--progress", "plain", "-t", "out", ctx.toString()).ok();
    assertTrue(again.err().contains("hit rate 100%"), again.err());
  }

  /** The tool environment with no locale variable at all, then the one named. */
  private static Map<String, String> callerLocale(String locale) {
    Map<String, String> env = new HashMap<>(System.getenv());
    StrataProcess.hermetic(env);
    env.keySet().removeIf(k -> k.equals("LANG") || k.equals("LANGUAGE") || k.startsWith("LC_"));
    if (!locale.equals("none")) {
      env.put(locale.substring(0, locale.indexOf('=')), locale.substring(locale.indexOf('=') + 1));
    }
    env.put("SOURCE_DATE_EPOCH", "1700000000");
    return env;
  }

  /** bin/strata with exactly {@code env}. */
  private static StrataProcess.Result strata(Map<String, String> env, Path root, String... args)
      throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", root.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("strata-it", ".out");
    Path err = Files.createTempFile("strata-it", ".err");
    try {
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().clear();
      pb.environment().putAll(env);
      Process p = pb.start();
      p.getOutputStream().close();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + cmd);
      }
      return new StrataProcess.Result(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8),
          cmd);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * The base tarball: half the names in PAX headers, half as raw UTF-8 in the ustar header (GNU
   * tar's default), a directory and a symlink whose target is non-ASCII too.
   */
  private static Path namesTarball(Path tar) throws Exception {
    try (OutputStream o = Files.newOutputStream(tar);
        TarArchiveOutputStream t = new TarArchiveOutputStream(o, "UTF-8")) {
      t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      dir(t, "certs/");
      dir(t, "certs/Ünïcödé dir/");
      for (int i = 0; i < BASE_NAMES.size(); i++) {
        t.setAddPaxHeadersForNonAsciiNames(i % 2 == 0);
        byte[] data = (BASE_NAMES.get(i) + "\n").getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(BASE_NAMES.get(i));
        e.setSize(data.length);
        t.putArchiveEntry(e);
        t.write(data);
        t.closeArchiveEntry();
      }
      TarArchiveEntry l = new TarArchiveEntry(LINK, TarArchiveEntry.LF_SYMLINK);
      l.setLinkName("日本語の証明書.pem");
      t.putArchiveEntry(l);
      t.closeArchiveEntry();
    }
    return tar;
  }

  private static void dir(TarArchiveOutputStream t, String name) throws Exception {
    TarArchiveEntry d = new TarArchiveEntry(name);
    t.putArchiveEntry(d);
    t.closeArchiveEntry();
  }

  /**
   * Every entry name of the image's layers, read with Strata's tar reader (as {@link FileNames}
   * text: any bytes), and the content of the top-level files into {@code files}.
   */
  private Set<String> layerNames(Path archive, Map<String, byte[]> files) throws Exception {
    Path x = Files.createDirectories(dir.resolve("x"));
    StrataProcess.run("tar", "-C", x.toString(), "-xf", archive.toString()).ok();
    JsonNode manifest = Json.parse(Files.readAllBytes(x.resolve("manifest.json"))).get(0);
    Set<String> names = new TreeSet<>();
    for (JsonNode layer : manifest.get("Layers")) {
      try (InputStream in =
          Compression.decompressAny(Files.newInputStream(x.resolve(layer.asText())))) {
        TarReader r = new TarReader(in);
        for (TarEntry e; (e = r.next()) != null; ) {
          String n = e.name().startsWith("./") ? e.name().substring(2) : e.name();
          names.add(n);
          if (e.isRegularFile() && !n.contains("/")) {
            files.put(n, r.content().readAllBytes());
          }
        }
      }
    }
    return names;
  }
}
