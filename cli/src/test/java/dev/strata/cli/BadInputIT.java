package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static dev.strata.cli.StrataProcess.fixture;
import static dev.strata.cli.StrataProcess.requireTool;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input end to end (issue #14): each row is one bad Dockerfile or command line given to the
 * real bin/strata, the exit code it must give (1, or 2 for a usage error) and the one line it must
 * print. Besides the build's own progress lines (plain: {@code [stage step] ...} and {@code -->
 * ...}), stderr holds exactly that line, last: no stack frame, no doubled {@code Dockerfile:N:}.
 * {@code {dir}} in a line is the test's directory.
 */
class BadInputIT {
  @TempDir Path dir;

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /** The command line of a row, made in the test's directory with a busybox store. */
  @FunctionalInterface
  interface Command {
    List<String> make(Path dir, Path store) throws Exception;
  }

  record Row(String name, Command command, int exit, String line) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final String FROM = "FROM busybox\n";

  static Stream<Row> rows() {
    return Stream.of(
        // Java's AccessDeniedException message is the path alone: "Error: /dir/ro/out" before
        new Row(
            "--output into a directory it cannot write",
            (d, s) ->
                strata(s, "build", "-o", "type=oci,dest=" + readOnly(d) + "/out", context(d, FROM)),
            1,
            "Error: --output type=oci: cannot write {dir}/ro/out: permission denied"),
        new Row(
            "--stats-json into a directory it cannot write",
            (d, s) -> strata(s, "build", "--stats-json", readOnly(d) + "/s.json", context(d, FROM)),
            1,
            "Error: --stats-json: cannot write {dir}/ro/s.json: permission denied"),
        // "Input length = 1" before: now where, and which byte
        new Row(
            "Dockerfile not UTF-8",
            (d, s) ->
                strata(
                    s,
                    "build",
                    context(
                        d,
                        bytes(FROM + "RUN echo "),
                        new byte[] {(byte) 0xff, (byte) 0xfe},
                        bytes("\n"))),
            1,
            "Error: Dockerfile:2:10: not UTF-8 text at byte 22 (0xff); save the Dockerfile as UTF-8"),
        new Row(
            "strata parse of a Dockerfile not UTF-8",
            (d, s) ->
                List.of(
                    bin().toString(),
                    "--root",
                    s.toString(),
                    "parse",
                    context(d, bytes(FROM + "# caf"), new byte[] {(byte) 0xe9}, bytes("\n"))
                        + "/Dockerfile"),
            1,
            "Error: {dir}/ctx/Dockerfile:2:6: not UTF-8 text at byte 18 (0xe9); save the Dockerfile as UTF-8"),
        // was "cannot start .../strata-nshelper: invalid null character in command"
        new Row(
            "NUL byte in a RUN",
            (d, s) ->
                strata(
                    s,
                    "build",
                    context(d, bytes(FROM + "RUN echo a"), new byte[] {0}, bytes("b\n"))),
            1,
            "Error: Dockerfile:2:11: NUL byte at byte 23 (a Dockerfile is text)"),
        // a StackOverflowError and 1,000 frames before
        new Row(
            "${X:+...} nested 20,000 deep",
            (d, s) ->
                strata(
                    s,
                    "build",
                    context(
                        d, FROM + "ENV A=" + "${X:+".repeat(20_000) + "}".repeat(20_000) + "\n")),
            1,
            "Error: Dockerfile:2:7: failed to process \""
                + "${X:+".repeat(16)
                + "... (120000 characters)\": ${...} nested more than 100 deep at character 502"),
        new Row(
            "${X:+\"...\"} nested 20,000 deep through double quotes",
            (d, s) ->
                strata(
                    s,
                    "build",
                    context(
                        d,
                        FROM + "ENV A=" + "\"${X:+".repeat(20_000) + "}\"".repeat(20_000) + "\n")),
            1,
            "Error: Dockerfile:2:7: failed to process \""
                + "\"${X:+".repeat(13)
                + "\"$"
                + "... (160000 characters)\": ${...} nested more than 100 deep at character 603"),
        // ignored before (any word meant info); usage errors exit 2
        new Row(
            "--log-level not a level",
            (d, s) ->
                List.of(bin().toString(), "--root", s.toString(), "--log-level", "loud", "images"),
            2,
            "Error: --log-level loud: want error, warn, info or debug"),
        new Row(
            "--progress not a mode",
            (d, s) ->
                List.of(
                    bin().toString(),
                    "--root",
                    s.toString(),
                    "--progress",
                    "fancy",
                    "build",
                    context(d, FROM)),
            2,
            "Error: --progress fancy: want auto, plain, tty or json"),
        // "Dockerfile:2: Dockerfile:2: ADD evil.tar: ..." before: the location was attached twice
        new Row(
            "ADD of an archive with an entry climbing out",
            (d, s) -> strata(s, "build", evilArchiveContext(d)),
            1,
            "Error: Dockerfile:2: ADD evil.tar: layer entry \"../../escape\": path climbs above the root with \"..\""),
        // E2BIG: "cannot start .../strata-nshelper: Cannot run program ...: error=7, Argument list
        // too long"
        new Row(
            "RUN line of 3 MB",
            (d, s) ->
                strata(s, "build", context(d, FROM + "RUN echo " + "a".repeat(3_000_000) + "\n")),
            1,
            "Error: Dockerfile:2: RUN echo "
                + "a".repeat(75)
                + "... (3000005 characters): the command line"
                + " is 3000005 bytes, longer than Linux takes for one exec argument (MAX_ARG_STRLEN, 131072"
                + " bytes with its NUL); put it in a script and COPY it in"),
        new Row(
            "ENV value of 200 kB reaching a RUN",
            (d, s) ->
                strata(
                    s,
                    "build",
                    context(d, FROM + "ENV BIG=" + "b".repeat(200_000) + "\nRUN true\n")),
            1,
            "Error: Dockerfile:3: RUN true: variable BIG is 200004 bytes with its name, longer than Linux"
                + " takes for one exec string (MAX_ARG_STRLEN, 131072 bytes with its NUL)"),
        // "Error: No space left on device" before, with no step and no place
        new Row(
            "disk full while a step's layer is written",
            BadInputIT::fullDisk,
            1,
            "Error: Dockerfile:2: "
                + FULL_DISK_RUN
                + ": no space left on device writing to the store /mnt/store"),
        // "cannot read {dir}/ctx/Dockerfile: {dir}/ctx/Dockerfile" before
        new Row(
            "Dockerfile unreadable",
            (d, s) -> {
              String c = context(d, FROM);
              Files.setPosixFilePermissions(
                  Path.of(c, "Dockerfile"), PosixFilePermissions.fromString("---------"));
              return strata(s, "build", c);
            },
            1,
            "Error: cannot read {dir}/ctx/Dockerfile: permission denied"),
        new Row(
            "Dockerfile is a directory",
            (d, s) -> {
              Path c = Files.createDirectories(d.resolve("ctx/Dockerfile"));
              return strata(s, "build", c.getParent().toString());
            },
            1,
            "Error: cannot read {dir}/ctx/Dockerfile: is a directory"),
        new Row(
            "-f names no file",
            (d, s) -> strata(s, "build", "-f", d + "/none.Dockerfile", context(d, FROM)),
            1,
            "Error: cannot read {dir}/none.Dockerfile: no such file or directory"),
        new Row(
            "strata parse of a file it cannot read",
            (d, s) -> {
              String c = context(d, FROM);
              Files.setPosixFilePermissions(
                  Path.of(c, "Dockerfile"), PosixFilePermissions.fromString("---------"));
              return List.of(bin().toString(), "--root", s.toString(), "parse", c + "/Dockerfile");
            },
            1,
            "Error: cannot read {dir}/ctx/Dockerfile: permission denied"),
        new Row(
            ".dockerignore not UTF-8",
            (d, s) -> {
              String c = context(d, FROM);
              Files.write(
                  Path.of(c, ".dockerignore"), new byte[] {'c', 'a', 'f', (byte) 0xe9, '\n'});
              return strata(s, "build", c);
            },
            1,
            "Error: .dockerignore: not UTF-8 text"),
        new Row(
            "context missing",
            (d, s) -> strata(s, "build", d + "/nowhere"),
            1,
            "Error: build context {dir}/nowhere is not a directory"),
        new Row(
            "context is a file",
            (d, s) -> strata(s, "build", Files.writeString(d.resolve("file"), "x").toString()),
            1,
            "Error: build context {dir}/file is not a directory"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void oneLine(Row row) throws Exception {
    Path store = StrataProcess.busyboxStore(dir);
    StrataProcess.Result r = StrataProcess.run(row.command().make(dir, store), Map.of());
    String expected = row.line().replace("{dir}", dir.toString());
    String all = "stderr:\n" + clip(r.err());
    assertEquals(row.exit(), r.exit(), all);
    List<String> lines = r.err().lines().toList();
    List<String> own = new ArrayList<>();
    for (String l : lines) {
      assertFalse(
          l.contains("Exception") || l.contains("at dev.strata") || l.startsWith("\tat "),
          "a stack frame or exception name: " + clip(l));
      if (!PROGRESS.matcher(l).lookingAt()) {
        own.add(l);
      }
    }
    assertEquals(List.of(expected), own, "one line, besides progress; " + all);
    assertEquals(expected, lines.get(lines.size() - 1), "the error comes last; " + all);
    assertTrue(expected.startsWith("Error: "), expected);
    assertFalse(DOUBLED.matcher(expected).find(), "doubled location: " + expected);
  }

  /**
   * The build's plain progress lines: {@code [0] STEP 1/2: ...}, {@code [0 2/2] ...}, {@code -->
   * ...}.
   */
  private static final Pattern PROGRESS = Pattern.compile("\\[\\d+( \\d+/\\d+)?] |--> ");

  /** {@code Dockerfile:2: Dockerfile:2:} and the like. */
  private static final Pattern DOUBLED = Pattern.compile("(\\S+:\\d+:).*\\1");

  private static String clip(String s) {
    return s.length() > 2000 ? s.substring(0, 2000) + "... (" + s.length() + " characters)" : s;
  }

  private static List<String> strata(Path store, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(bin().toString(), "--root", store.toString(), "--progress", "plain"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code dir/ctx} holding a Dockerfile of {@code parts} concatenated. */
  private static String context(Path dir, byte[]... parts) throws Exception {
    Path c = Files.createDirectories(dir.resolve("ctx"));
    try (OutputStream out = Files.newOutputStream(c.resolve("Dockerfile"))) {
      for (byte[] p : parts) {
        out.write(p);
      }
    }
    return c.toString();
  }

  private static String context(Path dir, String dockerfile) throws Exception {
    return context(dir, bytes(dockerfile));
  }

  /** {@code dir/ro}, which the test user may read but not write. */
  private static Path readOnly(Path dir) throws Exception {
    Path ro = Files.createDirectories(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-x------"));
    return ro;
  }

  /** A context whose ADD unpacks a tar with the entry {@code ../../escape}. */
  private static String evilArchiveContext(Path dir) throws Exception {
    String c = context(dir, FROM + "ADD evil.tar /x/\n");
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(Files.newOutputStream(Path.of(c, "evil.tar")))) {
      TarArchiveEntry e =
          new TarArchiveEntry("../../escape", true); // true: keep the name as written
      e.setSize(1);
      tar.putArchiveEntry(e);
      tar.write('x');
      tar.closeArchiveEntry();
    }
    return c;
  }

  /**
   * Writes 60% of the free space in the RUN, so the layer (random bytes do not compress) cannot
   * fit.
   */
  private static final String FULL_DISK_RUN =
      "RUN head -c $(($(df -k / | awk 'NR==2{print $4}') * 600)) /dev/urandom > /big";

  /**
   * The build in a store on a 16 MiB tmpfs, mounted in a user and mount namespace of the test
   * user's own (no privilege needed); strata nests its namespace in that one, with the single-id
   * mapping, as newuidmap's ranges do not reach into it.
   */
  private static List<String> fullDisk(Path dir, Path store) throws Exception {
    requireTool("unshare", "util-linux");
    String c = context(dir, FROM + FULL_DISK_RUN + "\n");
    String script =
        "mount -t tmpfs -o size=16m none /mnt"
            + " && \"$1\" --root /mnt/store import \"$2\" busybox >/dev/null"
            + " && exec \"$1\" --root /mnt/store --progress plain build --id-mapping single \"$3\"";
    return List.of(
        "unshare",
        "-Urm",
        "sh",
        "-c",
        script,
        "sh",
        bin().toAbsolutePath().toString(),
        fixture("busybox.tar").toString(),
        c);
  }
}
