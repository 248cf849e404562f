package dev.strata.sandbox;

import dev.strata.nshelper.EnvironPipe;
import dev.strata.nshelper.ForegroundProcess;
import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.Isolation;
import dev.strata.nshelper.NativeProtocol;
import dev.strata.nshelper.NativeProtocol.Job;
import dev.strata.nshelper.NativeProtocol.MountKind;
import dev.strata.nshelper.NativeProtocol.Option;
import dev.strata.nshelper.UserNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs a {@link SandboxSpec} through {@code strata-nshelper run}, from inside Strata's user
 * namespace. Output either goes straight to this process's stdout/stderr ({@link #runInherited}) or
 * streams into the given sinks as it comes ({@link #run}), e.g. the build's progress output. The
 * exit status is the command's, 128+N if it died of signal N, 125-127 if the sandbox could not
 * start it (see {@link NativeProtocol.Status}). SIGINT/SIGTERM/SIGHUP to Strata are passed on to
 * the command; if Strata dies, the sandbox dies with it, mounts and all.
 */
public final class SandboxRunner {
  private final HelperBinary helper;
  private final Optional<Isolation> isolation;

  /** Runs with the helper's defaults (a user namespace that allows everything). */
  public SandboxRunner(HelperBinary helper) {
    this(helper, Optional.empty());
  }

  /** Runs as {@code isolation} says: its rung, its /proc, a hostname only where one can be set. */
  public SandboxRunner(HelperBinary helper, Optional<Isolation> isolation) {
    this.helper = helper;
    this.isolation = isolation;
  }

  /**
   * The helper's argv for a spec, with the pipe that carries its environment (protocol.h {@code
   * --environ}); close it after the helper has ended.
   */
  public record Invocation(List<String> argv, EnvironPipe environ) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      environ.close();
    }
  }

  /** Runs with stdin, stdout and stderr inherited (for {@code strata run}). */
  public int runInherited(SandboxSpec spec) throws IOException, InterruptedException {
    try (Invocation inv = invocation(spec)) {
      return ForegroundProcess.run(processBuilder(spec, inv).inheritIO());
    }
  }

  /**
   * Runs with stdin empty and stdout/stderr copied to {@code out}/{@code err} as they arrive. The
   * sinks are not closed. The calling thread waits and must not end before this returns.
   */
  public int run(SandboxSpec spec, OutputStream out, OutputStream err)
      throws IOException, InterruptedException {
    try (Invocation inv = invocation(spec)) {
      ProcessBuilder pb =
          processBuilder(spec, inv).redirectInput(ProcessBuilder.Redirect.from(devNull()));
      Process p = ForegroundProcess.start(pb);
      Thread o = pump(p.getInputStream(), out, "sandbox-stdout");
      Thread e = pump(p.getErrorStream(), err, "sandbox-stderr");
      int code = ForegroundProcess.waitFor(p);
      o.join();
      e.join();
      return code;
    }
  }

  private static java.io.File devNull() {
    return new java.io.File("/dev/null");
  }

  private static Thread pump(InputStream in, OutputStream sink, String name) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[8192];
              try (in) {
                for (int n; (n = in.read(buf)) > 0; ) {
                  synchronized (sink) {
                    sink.write(buf, 0, n);
                    sink.flush();
                  }
                }
              } catch (IOException ex) {
                // The pipe closed under us: the command was killed (another stage failed, or
                // Ctrl-C). Its exit status says what happened; a stack trace here would not.
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private ProcessBuilder processBuilder(SandboxSpec spec, Invocation inv) throws IOException {
    if (!Files.isDirectory(spec.rootfs())) {
      throw new IOException("rootfs " + spec.rootfs() + ": no such directory");
    }
    for (SandboxMount m : spec.mounts()) {
      if (m.source().isPresent() && !Files.exists(m.source().get())) {
        throw new NoSuchFileException(
            m.source().get().toString(),
            null,
            "no such bind mount source (for " + m.target() + ")");
      }
    }
    if (!UserNamespace.inside()) {
      throw new IllegalStateException(
          "the sandbox runs inside Strata's user namespace; enter it first (UserNamespace)");
    }
    ProcessBuilder pb = new ProcessBuilder(inv.argv());
    // Nothing of this process's environment (CI tokens, the variables behind --secret env=)
    // reaches the sandbox, not even its PID 1: the command's is exactly spec.env(), by --environ.
    pb.environment().clear();
    return pb;
  }

  /** The helper's argv for {@code spec} and the pipe it reads the environment from. */
  public Invocation invocation(SandboxSpec spec) throws IOException {
    EnvironPipe environ = EnvironPipe.open(spec.env());
    return new Invocation(helperCommand(spec, environ.path()), environ);
  }

  /** The helper's argv for {@code spec}, its environment read from {@code environ}. */
  List<String> helperCommand(SandboxSpec spec, Path environ) {
    List<String> cmd = new ArrayList<>();
    cmd.add(helper.path().toString());
    cmd.add(Job.RUN.word);
    add(cmd, Option.PARENT_PID, Long.toString(ProcessHandle.current().pid()));
    add(cmd, Option.ROOTFS, spec.rootfs().toAbsolutePath().toString());
    spec.user().ifPresent(u -> add(cmd, Option.USER, u));
    spec.workdir().ifPresent(w -> add(cmd, Option.WORKDIR, w));
    add(cmd, Option.NETWORK, spec.network().word());
    if (isolation.map(Isolation::hostname).orElse(true)) {
      spec.hostname().ifPresent(h -> add(cmd, Option.HOSTNAME, h));
    }
    isolation.ifPresent(
        i -> {
          add(cmd, Option.ISOLATION, i.rung().word);
          add(cmd, Option.PROC, i.proc());
        });
    add(cmd, Option.ENVIRON, environ.toString());
    // As real root in a container the step cannot get more than the container was granted;
    // the progress line said which of Docker's set are missing (Isolation.describe).
    long bound = isolation.map(Isolation::capabilityBound).orElse(-1L);
    add(cmd, Option.CAPS, Long.toHexString(spec.security().capabilities() & bound));
    add(
        cmd,
        Option.SECCOMP,
        spec.security().seccomp()
            ? NativeProtocol.SECCOMP_DEFAULT
            : NativeProtocol.SECCOMP_UNCONFINED);
    for (SandboxMount m : spec.mounts()) {
      addMount(cmd, m);
    }
    cmd.add(NativeProtocol.END_OF_OPTIONS);
    cmd.addAll(spec.command());
    return cmd;
  }

  /** protocol.h: one argv element per field, so no path is ever split or quoted. */
  private static void addMount(List<String> cmd, SandboxMount m) {
    MountKind kind = m.kind() == SandboxMount.Kind.BIND ? MountKind.BIND : MountKind.TMPFS;
    add(cmd, Option.MOUNT, kind.word);
    m.source().ifPresent(s -> add(cmd, Option.MOUNT_SOURCE, s.toString()));
    add(cmd, Option.MOUNT_TARGET, m.target());
    List<String> opts = new ArrayList<>();
    opts.add(m.readOnly() ? NativeProtocol.MOUNT_RO : NativeProtocol.MOUNT_RW);
    m.tmpfsSizeBytes().ifPresent(n -> opts.add(NativeProtocol.MOUNT_SIZE + n));
    m.tmpfsMode().ifPresent(n -> opts.add(NativeProtocol.MOUNT_MODE + Integer.toOctalString(n)));
    for (String o : opts) {
      add(cmd, Option.MOUNT_OPTION, o);
    }
  }

  private static void add(List<String> cmd, Option o, String value) {
    cmd.add(o.flag);
    cmd.add(value);
  }
}
