package dev.strata.cli;

import static dev.strata.cli.StrataProcess.bin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.cli.StrataProcess.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's acceptance for the sandbox, end to end through bin/strata as the user running the
 * tests: a RUN step and {@code strata run} see nothing of strata's own environment (PID 1
 * included), get Docker's capability set and podman's seccomp profile and are refused what those
 * refuse; a {@code --secret env=} value is on no command line; {@code --cap-add/--cap-drop}, {@code
 * --security-opt seccomp=unconfined} and {@code RUN --security=insecure} (with {@code --allow
 * security.insecure} only) change that as in podman and buildx.
 */
class SandboxSecurityIT {
  /** Docker's default set (moby oci/caps/defaults.go) as /proc/PID/status shows it. */
  private static final String DOCKER_CAPS = "00000000a80425fb";

  /** What a step or command reports about itself, one KEY=VALUE line each. */
  private static final String PROBE =
      "echo \"pid1=$(cat /proc/1/environ | tr '\\0' ' ')\";"
          + " echo \"names=$(cat /proc/self/environ | tr '\\0' '\\n' | cut -d= -f1 | sort | tr '\\n' ' ')\";"
          + " echo \"environ=$(cat /proc/self/environ | tr '\\0' ' ')\";"
          + " grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|Seccomp|NoNewPrivs):' /proc/self/status"
          + " | tr -d ' \\t' | tr ':' '=';"
          + " umount /proc/sys 2>/dev/null && echo umount=ok || echo umount=refused;"
          + " mkdir -p /tmp/m; mount -t proc proc /tmp/m 2>/dev/null && echo mount=ok || echo mount=refused;"
          + " mount -t tmpfs tmpfs /tmp/m 2>/dev/null && echo tmpfs=ok || echo tmpfs=refused;"
          + " unshare -U true 2>/dev/null && echo unshare=ok || echo unshare=refused;"
          + " if [ -x /keyctl-probe ]; then /keyctl-probe >/dev/null 2>&1 && echo keyctl=ok || echo keyctl=refused; fi";

  @TempDir Path dir;
  private final String canary = "canary-" + UUID.randomUUID();

  @AfterEach
  void emptyTempDir() throws Exception {
    StrataProcess.removeContents(dir);
  }

  /** strata with a canary and a token-like variable in its own environment. */
  private Result strata(Path store, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(bin().toString(), "--root", store.toString()));
    cmd.addAll(List.of(args));
    return StrataProcess.run(cmd, Map.of("STRATA_IT_CANARY", canary, "CI_JOB_TOKEN", canary));
  }

  /** The probe's KEY=VALUE lines. */
  private static Map<String, String> report(String out) {
    return out.lines()
        .filter(l -> l.indexOf('=') > 0)
        .collect(
            Collectors.toMap(
                l -> l.substring(0, l.indexOf('=')),
                l -> l.substring(l.indexOf('=') + 1),
                (a, b) -> a));
  }

  /** A static C program that asks the kernel for the session keyring (busybox has no keyctl). */
  private Path keyctlProbe(Path ctx) throws Exception {
    StrataProcess.requireTool("gcc", "gcc libc6-dev");
    Path src = dir.resolve("keyctl-probe.c");
    Files.writeString(
        src,
        "#include <stdio.h>\n#include <unistd.h>\n#include <sys/syscall.h>\n"
            + "int main(void) { /* KEYCTL_GET_KEYRING_ID of KEY_SPEC_SESSION_KEYRING */\n"
            + "  if (syscall(SYS_keyctl, 0, -3, 0) < 0) { perror(\"keyctl\"); return 1; }\n"
            + "  return 0;\n}\n");
    Path out = ctx.resolve("keyctl-probe");
    StrataProcess.run("gcc", "-static", "-O2", "-o", out.toString(), src.toString()).ok();
    return out;
  }

  private void assertConfinedAsDocker(Map<String, String> r, String what) {
    assertEquals(DOCKER_CAPS, r.get("CapEff"), what + ": " + r);
    assertEquals(DOCKER_CAPS, r.get("CapPrm"), what + ": " + r);
    assertEquals(DOCKER_CAPS, r.get("CapBnd"), what + ": " + r);
    assertEquals("0000000000000000", r.get("CapInh"), what + ": " + r);
    assertEquals("0000000000000000", r.get("CapAmb"), what + ": " + r);
    assertEquals("2", r.get("Seccomp"), what + ": a seccomp filter " + r);
    assertEquals("refused", r.get("umount"), what + ": umount /proc/sys would undo the masks");
    assertEquals("refused", r.get("mount"), what);
    assertEquals("refused", r.get("tmpfs"), what);
    assertEquals("refused", r.get("unshare"), what + ": a new user namespace has every capability");
  }

  @Test
  void runStepSeesOnlyItsEnvironmentDockersCapabilitiesAndPodmansSeccomp() throws Exception {
    Path store = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\n"
                + "COPY keyctl-probe /keyctl-probe\n"
                + "ENV IMAGE_VAR=from-image\n"
                + "RUN sh -c '"
                + PROBE.replace("'", "'\\''")
                + "' > /report 2>&1\n"
                + "USER nobody\n"
                + "RUN grep -E '^Cap(Prm|Eff|Bnd):' /proc/self/status | tr -d ' \\t' | tr ':' '=' > /tmp/nobody\n",
            Map.of());
    keyctlProbe(ctx);
    Result b = strata(store, "build", "-t", "probe", ctx.toString()).ok();
    assertFalse(
        b.out().contains(canary) || b.err().contains(canary), "strata's output: " + b.err());
    String out = strata(store, "run", "--rm", "probe", "cat", "/report").ok().out();
    Map<String, String> r = report(out);
    assertFalse(out.contains(canary), "the step saw strata's environment:\n" + out);
    assertEquals(
        "HOME IMAGE_VAR PATH PWD SHLVL",
        r.get("names").strip(),
        "only its own environment: " + out);
    assertTrue(r.get("environ").contains("IMAGE_VAR=from-image"), out);
    assertFalse(r.get("pid1").contains("="), "PID 1 has no environment to show: " + out);
    assertConfinedAsDocker(r, "RUN");
    assertEquals("refused", r.get("keyctl"), "the kernel keyrings are not namespaced: " + out);

    // docker: a USER other than root keeps the bounding set only
    Map<String, String> nobody =
        report(strata(store, "run", "--rm", "probe", "cat", "/tmp/nobody").ok().out());
    assertEquals("0000000000000000", nobody.get("CapEff"), nobody.toString());
    assertEquals("0000000000000000", nobody.get("CapPrm"), nobody.toString());
    assertEquals(DOCKER_CAPS, nobody.get("CapBnd"), nobody.toString());
  }

  @Test
  void secretEnvValueIsOnNoCommandLineAndNotInPid1() throws Exception {
    Path store = StrataProcess.busyboxStore(dir);
    String secret = "s3cret-" + UUID.randomUUID();
    String marker = "step-marker-" + UUID.randomUUID();
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\n"
                + "RUN --mount=type=secret,id=tok,env=TOKEN sh -c 'test -n \"$TOKEN\" && sleep 4; : "
                + marker
                + "'\n",
            Map.of());
    List<String> cmd =
        List.of(
            bin().toString(),
            "--root",
            store.toString(),
            "build",
            "--no-cache",
            "--secret",
            "id=tok,env=IT_SECRET",
            ctx.toString());
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("build.log").toFile());
    pb.environment().put("IT_SECRET", secret);
    pb.environment().put("STRATA_IT_CANARY", canary);
    Process build = pb.start();
    Set<String> seen = new TreeSet<>();
    String stepEnviron = null;
    String pid1Environ = null;
    long scans = 0;
    try {
      while (build.isAlive()) {
        scans++;
        for (Path proc : processes()) {
          String cmdline = read(proc.resolve("cmdline"));
          if (cmdline == null) {
            continue; // gone, or not ours to read
          }
          assertFalse(
              cmdline.contains(secret),
              "the secret is on the command line of " + proc + ": " + cmdline);
          if (cmdline.contains(marker) && cmdline.startsWith("sh\0")) {
            seen.add(proc.getFileName().toString());
            stepEnviron = read(proc.resolve("environ"));
            String ppid =
                read(proc.resolve("status"))
                    .lines()
                    .filter(l -> l.startsWith("PPid:"))
                    .findFirst()
                    .orElseThrow()
                    .substring(5)
                    .strip();
            pid1Environ = read(Path.of("/proc", ppid, "environ"));
          }
        }
        Thread.sleep(20);
      }
    } finally {
      if (!build.waitFor(120, TimeUnit.SECONDS)) {
        build.destroyForcibly();
      }
    }
    String log = Files.readString(dir.resolve("build.log"));
    assertEquals(0, build.exitValue(), log);
    assertFalse(seen.isEmpty(), "never saw the step running in " + scans + " scans of /proc");
    assertTrue(
        stepEnviron != null && stepEnviron.contains("TOKEN=" + secret),
        "the step has the secret in its environment (so the scan could find it): " + stepEnviron);
    assertFalse(stepEnviron.contains(canary), stepEnviron);
    assertEquals("", pid1Environ, "the sandbox's PID 1 has no environment at all");
    assertFalse(log.contains(secret), log);
  }

  /** Every /proc/PID directory. */
  private static List<Path> processes() throws IOException {
    try (Stream<Path> s = Files.list(Path.of("/proc"))) {
      return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
          .toList();
    }
  }

  private static String read(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  void strataRunIsConfinedAndTheFlagsChangeIt() throws Exception {
    Path store = StrataProcess.busyboxStore(dir);
    Map<String, String> r =
        report(strata(store, "run", "--rm", "busybox", "sh", "-c", PROBE).ok().out());
    assertFalse(r.toString().contains(canary), r.toString());
    assertEquals("HOME PATH PWD SHLVL", r.get("names").strip(), r.toString());
    assertFalse(r.get("pid1").contains("="), r.toString());
    assertConfinedAsDocker(r, "strata run");

    Map<String, String> none =
        report(
            strata(store, "run", "--rm", "--cap-drop", "ALL", "busybox", "sh", "-c", PROBE)
                .ok()
                .out());
    assertEquals("0000000000000000", none.get("CapEff"), none.toString());
    assertEquals("0000000000000000", none.get("CapBnd"), none.toString());

    Map<String, String> admin =
        report(
            strata(
                    store,
                    "run",
                    "--rm",
                    "--cap-add",
                    "SYS_ADMIN",
                    "--cap-drop",
                    "NET_RAW",
                    "busybox",
                    "sh",
                    "-c",
                    PROBE)
                .ok()
                .out());
    assertEquals("00000000a82405fb", admin.get("CapEff"), "+SYS_ADMIN -NET_RAW: " + admin);
    assertEquals(
        "ok", admin.get("unshare"), "the profile allows unshare with CAP_SYS_ADMIN: " + admin);
    assertEquals("ok", admin.get("tmpfs"), "CAP_SYS_ADMIN mounts: " + admin);

    Map<String, String> unconfined =
        report(
            strata(
                    store,
                    "run",
                    "--rm",
                    "--security-opt",
                    "seccomp=unconfined",
                    "busybox",
                    "sh",
                    "-c",
                    PROBE)
                .ok()
                .out());
    assertEquals("0", unconfined.get("Seccomp"), unconfined.toString());
    assertEquals(DOCKER_CAPS, unconfined.get("CapEff"), unconfined.toString());
    assertEquals(
        "ok", unconfined.get("unshare"), "no filter: only the filter refused it " + unconfined);

    Result bad = strata(store, "run", "--rm", "--cap-add", "NET_FLY", "busybox", "true");
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("unknown capability \"NET_FLY\""), bad.err());
    Result file =
        strata(store, "run", "--rm", "--security-opt", "seccomp=/x.json", "busybox", "true");
    assertEquals(2, file.exit(), file.err());
    assertTrue(file.err().contains("seccomp=/x.json"), file.err());
  }

  @Test
  void insecureRunNeedsAllowAndThenHasEveryCapabilityAndNoFilter() throws Exception {
    Path store = StrataProcess.busyboxStore(dir);
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\n"
                + "RUN --security=insecure grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status | tr -d ' \\t' | tr ':' '=' > /report\n",
            Map.of());
    Result refused = strata(store, "build", "-t", "insecure", ctx.toString());
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(
        refused.err().contains("Dockerfile:2")
            && refused.err().contains("--allow security.insecure"),
        refused.err());

    strata(store, "build", "--allow", "security.insecure", "-t", "insecure", ctx.toString()).ok();
    Map<String, String> r =
        report(strata(store, "run", "--rm", "insecure", "cat", "/report").ok().out());
    // every capability this kernel has (a new user namespace starts with a full bounding set)
    int last;
    try (var in = Files.newBufferedReader(Path.of("/proc/sys/kernel/cap_last_cap"))) {
      last = Integer.parseInt(in.readLine().strip());
    }
    String all = String.format("%016x", (1L << (last + 1)) - 1);
    assertEquals(all, r.get("CapEff"), "every capability of the namespace: " + r);
    assertEquals(all, r.get("CapBnd"), r.toString());
    assertEquals("0", r.get("Seccomp"), r.toString());

    Result bad = strata(store, "build", "--allow", "everything", ctx.toString());
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("--allow \"everything\""), bad.err());
  }
}
