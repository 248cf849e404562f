package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every COPY/ADD/RUN flag error a build refuses, refused by {@code strata parse} too, with the same
 * one line (issue 21: BuildKit's frontend checks instructions before it solves anything). Each bad
 * Dockerfile starts with a RUN that leaves a layer: the build must refuse before it runs, so no
 * step starts (no progress line) and the store gains no blob. The real bin/strata runs both
 * commands, as the unprivileged test user, with a busybox store imported once.
 */
class InstructionErrorsIT {
  @TempDir static Path dir;
  static Path store;
  private static final String ZEROS = "sha256:" + "0".repeat(64);

  @BeforeAll
  static void importBusybox() throws Exception {
    store = StrataProcess.busyboxStore(dir);
  }

  @AfterAll
  static void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /**
   * A bad line 3 after {@code FROM busybox} and a RUN, and the message after {@code Dockerfile:3:}.
   */
  record Row(String name, String line, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Row> rows() {
    return Stream.of(
        // --chmod: BuildKit parses it with strconv.ParseUint(chmod, 8, 32)
        new Row(
            "COPY --chmod not octal",
            "COPY --chmod=u+x a.sh /bin/",
            "6: --chmod=u+x: want an octal mode"),
        new Row(
            "COPY --chmod with an 8 or 9",
            "COPY --chmod=0789 a.sh /bin/",
            "6: --chmod=0789: want an octal mode"),
        new Row(
            "ADD --chmod of a URL not octal",
            "ADD --chmod=rw https://example.com/f /f",
            "5: --chmod=rw: want an octal mode"),
        // --chown: user[:group], names looked up when the step runs
        new Row(
            "COPY --chown with two colons",
            "COPY --chown=app:staff:x a.sh /a",
            "6: --chown=app:staff:x: want user[:group], each a name or an id below 2^31"),
        new Row(
            "COPY --chown without a user",
            "COPY --chown=:staff a.sh /a",
            "6: --chown=:staff: want user[:group], each a name or an id below 2^31"),
        new Row(
            "ADD --chown id too large",
            "ADD --chown=99999999999 a.sh /a",
            "5: --chown=99999999999: want user[:group], each a name or an id below 2^31"),
        // flags a keyword does not take (BuildKit's BFlags)
        new Row(
            "COPY unknown flag", "COPY --bogus a.sh /a", "6: unknown flag \"--bogus\" for COPY"),
        new Row(
            "COPY --checksum (ADD only)",
            "COPY --checksum=" + ZEROS + " a.sh /a",
            "6: unknown flag \"--checksum\" for COPY"),
        new Row(
            "COPY --keep-git-dir (ADD only)",
            "COPY --keep-git-dir a.sh /a",
            "6: unknown flag \"--keep-git-dir\" for COPY"),
        new Row(
            "ADD --from (COPY only)", "ADD --from=0 a.sh /a", "5: unknown flag \"--from\" for ADD"),
        new Row(
            "ADD --parents (COPY only)",
            "ADD --parents a.sh /a",
            "5: unknown flag \"--parents\" for ADD"),
        new Row(
            "COPY --link not a boolean",
            "COPY --link=maybe a.sh /a",
            "6: expecting boolean value for flag --link, not: maybe"),
        new Row(
            "COPY --from twice",
            "COPY --from=busybox --from=busybox a.sh /a",
            "6: duplicate flag specified: --from"), // the column of the flag's first use
        // ADD --checksum: one http(s) source, a digest
        new Row(
            "ADD --checksum on a local file",
            "ADD --checksum=" + ZEROS + " a.sh /a",
            "5: ADD --checksum=" + ZEROS + " a.sh: checksum requires an HTTP(S) source"),
        new Row(
            "ADD --checksum with two URLs",
            "ADD --checksum=" + ZEROS + " https://e.com/a https://e.com/b /d/",
            "5: ADD --checksum can't be specified for multiple sources"),
        new Row(
            "ADD --checksum not a digest",
            "ADD --checksum=md5:00 https://e.com/a /a",
            "5: --checksum=md5:00: cannot parse digest \"md5:00\": unsupported algorithm \"md5\""),
        // sources
        new Row(
            "COPY of a URL",
            "COPY https://example.com/f.txt /f",
            "6: COPY https://example.com/f.txt: source can't be a URL for COPY (use ADD)"),
        new Row(
            "ADD of a git repository",
            "ADD https://github.com/moby/buildkit.git#v0.10.1 /b",
            "5: ADD https://github.com/moby/buildkit.git#v0.10.1: git sources are not supported"),
        new Row(
            "COPY source climbing out of the context",
            "COPY ../secret /s",
            "6: \"../secret\": forbidden path outside the build context"),
        new Row(
            "COPY --parents pivot climbing out",
            "COPY --parents a/./../../etc /out/",
            "16: \"../../etc\": forbidden path outside the build context"),
        new Row(
            "COPY --exclude malformed",
            "COPY --exclude=[z- . /app/",
            "6: --exclude=[z-: syntax error in pattern \"[z-\""),
        // --from names a stage of this Dockerfile
        new Row(
            "COPY --from its own stage",
            "COPY --from=0 a.sh /a",
            "6: circular dependency detected on stage \"0\" (0 -> 0)"),
        new Row(
            "COPY --from empty (a variable not set)",
            "COPY --from=$NONE a.sh /a",
            "6: --from is empty: name a stage, a stage index or an image (or leave --from out to copy from the"
                + " build context)"),
        new Row(
            "COPY --from an index past the last stage",
            "COPY --from=4 a.sh /a",
            "6: invalid stage index 4: the Dockerfile has 1 stage (0 to 0)"),
        // RUN --network and --security
        new Row(
            "RUN --network unknown",
            "RUN --network=bogus true",
            "5: unsupported network mode \"bogus\" (default, none or host)"),
        new Row(
            "RUN --security unknown",
            "RUN --security=bogus true",
            "5: unsupported security mode \"bogus\" (sandbox or insecure)"),
        // RUN --mount (BuildKit's commands_runmount.go)
        new Row(
            "RUN --mount type unknown",
            "RUN --mount=type=bogus,target=/t true",
            "13: unsupported mount type \"bogus\" (bind, cache, tmpfs, secret or ssh)"),
        new Row(
            "RUN --mount tmpfs size not a size",
            "RUN --mount=type=tmpfs,target=/t,size=lots true",
            "34: --mount size=lots: want bytes, or a number with k, m or g"),
        new Row(
            "RUN --mount bind source climbing out",
            "RUN --mount=type=bind,source=../..,target=/h true",
            "13: --mount source=../..: climbs out of the build context"),
        new Row(
            "RUN --mount over the root",
            "RUN --mount=type=cache,target=/tmp/.. true",
            "13: invalid mount target \"/tmp/..\": a mount cannot cover the root"),
        new Row(
            "RUN --mount sharing on a bind",
            "RUN --mount=type=bind,target=/t,sharing=locked true",
            "13: sharing is only for cache mounts"),
        new Row(
            "RUN --mount unknown key",
            "RUN --mount=type=bind,target=/t,colour=red true",
            "33: unexpected key 'colour' in 'colour=red' of --mount"),
        new Row(
            "RUN --mount mode not octal",
            "RUN --mount=type=cache,target=/c,mode=999 true",
            "34: invalid mount mode \"999\": an octal number"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void parseAndBuildRefuseAlike(Row row) throws Exception {
    String evidence = "RUN echo '" + row.name() + "' > /evidence";
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\n" + evidence + "\n" + row.line() + "\n",
            Map.of("a.sh", "echo a\n", "a/b.txt", "b\n"));
    String expected = "Error: Dockerfile:3:" + row.message();
    long blobs = blobs();

    StrataProcess.Result parse = inContext(ctx, "parse", "Dockerfile");
    StrataProcess.Result build = inContext(ctx, "--progress", "plain", "build", ".");

    assertEquals(1, parse.exit(), "strata parse must refuse; stderr:\n" + parse.err());
    assertEquals(1, build.exit(), "strata build must refuse; stderr:\n" + build.err());
    assertEquals(expected, lastLine(parse.err()), "strata parse");
    assertEquals(expected, lastLine(build.err()), "strata build");
    for (String l : build.err().lines().toList()) {
      assertFalse(STEP.matcher(l).lookingAt(), "the build started a step before refusing: " + l);
    }
    assertEquals(blobs, blobs(), "the build refused after the RUN on line 2 had made a layer");
  }

  /**
   * A step's error names its place once ({@code Dockerfile:2:}, never twice): the step loop
   * attaches it, the steps throw plain messages; a frontend error names line and column.
   */
  static Stream<Arguments> stepErrors() {
    return Stream.of(
        Arguments.of("failing RUN", "RUN exit 3", "Error: Dockerfile:2: RUN exit 3: exit status 3"),
        Arguments.of(
            "COPY of a missing source",
            "COPY missing.txt /m",
            "Error: Dockerfile:2: \"missing.txt\": not found in the build context"),
        Arguments.of(
            "bad --chmod",
            "COPY --chmod=9 a.sh /a",
            "Error: Dockerfile:2:6: --chmod=9: want an octal mode"),
        Arguments.of(
            "COPY --from no such image",
            "COPY --from=nosuch:1 a.sh /a",
            "Error: Dockerfile:2: --from=nosuch:1: no such stage, and no such image in the store"),
        Arguments.of(
            "--chown of a user the stage lacks",
            "COPY --chown=nobody2 a.sh /a",
            "Error: Dockerfile:2: --chown=nobody2: unable to find user nobody2 in the stage's /etc/passwd"),
        // issue 18: the helper's reason, not only its status
        Arguments.of(
            "RUN as an unknown USER",
            "USER nosuchuser\nRUN true",
            "Error: Dockerfile:3: RUN true: unable to find user nosuchuser: no matching entries in"
                + " the rootfs's /etc/passwd (exit status 125)"),
        // issue 18: no target is the WORKDIR, which BuildKit refuses to cover when it is /
        Arguments.of(
            "RUN --mount without a target at WORKDIR /",
            "RUN --mount=type=tmpfs true",
            "Error: Dockerfile:2: invalid mount target \"/\" for --mount type=tmpfs: name a target"),
        Arguments.of(
            "RUN --mount of a missing source",
            "RUN --mount=type=bind,source=none,target=/n true",
            "Error: Dockerfile:2: \"none\": not found in the build context"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stepErrors")
  void aStepErrorNamesItsLocationOnce(String name, String line, String expected) throws Exception {
    Path ctx =
        StrataProcess.context(dir, "FROM busybox\n" + line + "\n", Map.of("a.sh", "echo a\n"));
    StrataProcess.Result build = inContext(ctx, "--progress", "plain", "build", ".");
    assertEquals(1, build.exit(), "stderr:\n" + build.err());
    String error = lastLine(build.err());
    assertEquals(expected, error);
    Matcher m = Pattern.compile("Dockerfile:").matcher(error);
    int count = 0;
    while (m.find()) {
      count++;
    }
    assertEquals(1, count, "the location once: " + error);
  }

  /** Plain progress: a step started ({@code [0] STEP 2/3: ...}) or ran ({@code [0 2/3] ...}). */
  private static final Pattern STEP = Pattern.compile("\\[\\d+( \\d+/\\d+)?] |--> ");

  /** bin/strata run in {@code ctx}, so parse and build both name the file {@code Dockerfile}. */
  private static StrataProcess.Result inContext(Path ctx, String... args) throws Exception {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "cd \"$1\" && shift && exec \"$@\"",
                "sh",
                ctx.toString(),
                bin().toAbsolutePath().toString(),
                "--root",
                store.toString()));
    cmd.addAll(List.of(args));
    return StrataProcess.run(cmd, Map.of());
  }

  private static String lastLine(String err) {
    List<String> lines = err.lines().toList();
    assertTrue(!lines.isEmpty(), "nothing on stderr");
    return lines.get(lines.size() - 1);
  }

  /** The files of the store's blob directory: a step that ran leaves its layer there. */
  private static long blobs() throws IOException {
    Path b = store.resolve("blobs");
    try (Stream<Path> s = Files.walk(b)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
