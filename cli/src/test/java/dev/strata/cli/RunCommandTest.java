package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.sandbox.NetworkMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Parse-only tests (STYLE.md "CLI"): what the command line means, nothing run. */
class RunCommandTest {
  private static RunCommand parse(String... args) {
    CommandLine top = StrataCommand.commandLine();
    CommandLine.ParseResult r = top.parseArgs(args);
    return (RunCommand) r.subcommand().commandSpec().userObject();
  }

  @Test
  void optionsEndAtTheFirstArgument() {
    RunCommand c =
        parse(
            "run",
            "--rm",
            "--network",
            "none",
            "-e",
            "A=1",
            "-e",
            "B",
            "--user",
            "nobody",
            "-w",
            "/w",
            "--rootfs",
            "/r",
            "sh",
            "-c",
            "exit 3");
    assertTrue(c.rm);
    assertEquals(NetworkMode.NONE, c.network);
    assertEquals(List.of("A=1", "B"), c.env);
    assertEquals("nobody", c.user);
    assertEquals("/w", c.workdir);
    assertEquals(Path.of("/r"), c.rootfs);
    assertEquals(List.of("sh", "-c", "exit 3"), c.args, "-c belongs to sh");
  }

  @Test
  void imageNameThenCommand() {
    RunCommand c = parse("run", "busybox:latest", "id", "-u");
    assertNull(c.rootfs);
    assertEquals(NetworkMode.HOST, c.network, "default");
    assertEquals(List.of("busybox:latest", "id", "-u"), c.args);
  }

  @Test
  void unknownNetworkIsAUsageError() {
    assertThrows(
        CommandLine.ParameterException.class, () -> parse("run", "--network", "bridge", "x"));
    assertEquals(2, StrataCommand.commandLine().execute("run", "--network", "bridge", "x"));
  }

  @Test
  void unshareTakesACommand() {
    CommandLine top = StrataCommand.commandLine();
    UnshareCommand u =
        (UnshareCommand)
            top.parseArgs("unshare", "--", "ls", "-la").subcommand().commandSpec().userObject();
    assertEquals(List.of("ls", "-la"), u.command);
    UnshareCommand v =
        (UnshareCommand)
            top.parseArgs("unshare", "--id-mapping", "single", "rm", "-rf", "x")
                .subcommand()
                .commandSpec()
                .userObject();
    assertEquals("single", v.idMapping);
    assertEquals(List.of("rm", "-rf", "x"), v.command);
  }
}
