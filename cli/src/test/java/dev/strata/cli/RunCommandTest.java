package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.sandbox.NetworkMode;
import dev.strata.sandbox.SandboxMount;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
  void capabilityAndSeccompFlagsAreRepeatableAndStopAtTheImage() {
    RunCommand c =
        parse(
            "run",
            "--cap-add",
            "NET_ADMIN",
            "--cap-add",
            "SYS_PTRACE",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "seccomp=unconfined",
            "busybox",
            "--cap-add",
            "X");
    assertEquals(List.of("NET_ADMIN", "SYS_PTRACE"), c.capAdd);
    assertEquals(List.of("ALL"), c.capDrop);
    assertEquals(List.of("seccomp=unconfined"), c.securityOpts);
    assertEquals(List.of("busybox", "--cap-add", "X"), c.args, "after NAME: the command's");
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
  void volumesAndTmpfsAsPodmanTakesThem() {
    RunCommand c =
        parse(
            "run",
            "-v",
            "/host/dir:/in/dir",
            "--volume",
            "rel:/in/ro:ro",
            "--tmpfs",
            "/scratch:size=64m,mode=700",
            "--tmpfs",
            "/t",
            "--rootfs",
            "/r",
            "true");
    assertEquals(
        List.of(
            SandboxMount.bind(Path.of("/host/dir"), "/in/dir", false),
            SandboxMount.bind(Path.of("rel").toAbsolutePath(), "/in/ro", true)),
        c.volumes,
        "SRC made absolute");
    assertEquals(
        List.of(
            SandboxMount.tmpfs("/scratch", OptionalLong.of(64L << 20)).withTmpfsMode(0700),
            SandboxMount.tmpfs("/t", OptionalLong.empty())),
        c.tmpfs);
    List<SandboxMount> o =
        MountArgs.ordered(
            List.of(SandboxMount.bind(Path.of("/a"), "/x/y", false)),
            List.of(SandboxMount.tmpfs("/x", OptionalLong.empty())));
    assertEquals(
        List.of("/x", "/x/y"), o.stream().map(SandboxMount::target).toList(), "parents first");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-v=/only-one-part", // podman's anonymous volume
        "-v=/a:/b:z", // SELinux relabel: not supported
        "-v=/a:relative",
        "-v=/a:/", // over the root
        "-v=:/b",
        "--tmpfs=relative",
        "--tmpfs=/t:size=10%", // a share of RAM
        "--tmpfs=/t:noexec",
        "--tmpfs=/t:mode=999",
        "--tmpfs=/t:size=0",
      })
  void badMountsAreUsageErrors(String arg) {
    assertThrows(
        CommandLine.ParameterException.class, () -> parse("run", arg, "--rootfs", "/", "x"));
    assertEquals(2, StrataCommand.commandLine().execute("run", arg, "--rootfs", "/", "x"));
  }

  @Test
  void missingVolumeSourceIsAUsageError() {
    assertEquals(
        2,
        StrataCommand.commandLine()
            .execute("run", "-v", "/no/such/dir:/x", "--rootfs", "/", "true"));
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
