package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code strata parse}: option parsing with populateCommand, and a few runs through the CLI. */
class ParseCommandTest {
  @Test
  void populatesOptions() {
    ParseCommand c =
        CommandLine.populateCommand(
            new ParseCommand(),
            "--format",
            "json",
            "--build-arg",
            "A=1",
            "--build-arg",
            "B=x=y",
            "--target",
            "builder",
            "--platform",
            "linux/arm64",
            "Dockerfile.multi");
    assertEquals("json", c.format);
    assertEquals(List.of("A=1", "B=x=y"), c.buildArgs);
    assertEquals(Map.of("A", "1", "B", "x=y"), c.buildArgMap());
    assertEquals("builder", c.target);
    assertEquals("linux/arm64", c.platform);
    assertEquals(Path.of("Dockerfile.multi"), c.file);
  }

  @Test
  void defaults() {
    ParseCommand c = CommandLine.populateCommand(new ParseCommand(), "Dockerfile");
    assertEquals("text", c.format);
    assertEquals(List.of(), c.buildArgs);
    assertEquals(null, c.target);
  }

  @Test
  void fileIsRequired() {
    assertThrows(
        CommandLine.MissingParameterException.class,
        () -> CommandLine.populateCommand(new ParseCommand()));
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = StrataCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void printsJsonPlan(@TempDir Path dir) throws IOException {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(
        df, "ARG V=1\nFROM alpine:$V AS base\nRUN echo hi\nFROM base\nCOPY --from=base /a /b\n");
    Run r = run("parse", "--format", "json", "--build-arg", "V=3.18", df.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("{\n  \"stages\": ["), r.out());
    assertTrue(r.out().contains("\"base\": \"alpine:3.18\""), r.out());
    assertTrue(
        r.out().contains("\"buildOrder\": [\n    [\n      0\n    ],\n    [\n      1\n    ]\n  ]"),
        r.out());
  }

  @Test
  void printsTextPlanWithTarget(@TempDir Path dir) throws IOException {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM alpine AS one\nRUN echo one\nFROM alpine AS two\n");
    Run r = run("parse", "--target", "one", df.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("stage 0 (one): FROM alpine"), r.out());
    assertTrue(r.out().contains("target: one"), r.out());
  }

  @Test
  void errorsNameFileLineAndColumn(@TempDir Path dir) throws IOException {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM alpine\n  RUNN echo\n");
    Run r = run("parse", df.toString());
    assertEquals(1, r.code());
    assertEquals(
        "Error: " + df + ":2:3: unknown instruction \"RUNN\" (did you mean RUN?)\n", r.err());
  }

  @Test
  void badFormatIsAUsageError(@TempDir Path dir) throws IOException {
    Path df = dir.resolve("Dockerfile");
    Files.writeString(df, "FROM alpine\n");
    Run r = run("parse", "--format", "yaml", df.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--format must be text or json"), r.err());
  }

  @Test
  void missingFileIsAUserError(@TempDir Path dir) {
    Run r = run("parse", dir.resolve("nope").toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("Error: ") && r.err().contains("nope"), r.err());
  }
}
