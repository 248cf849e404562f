package dev.strata.solver.run;

import dev.strata.frontend.plan.Mount;
import dev.strata.layer.Trees;
import dev.strata.posix.Posix;
import dev.strata.sandbox.SandboxMount;
import dev.strata.solver.BuildException;
import dev.strata.solver.StepContext;
import dev.strata.store.PrivateDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The {@code RUN --mount}s of one step made real, as BuildKit makes them
 * (frontend/dockerfile/docs/reference.md "RUN --mount"):
 *
 * <ul>
 *   <li>{@code cache}: a directory kept in the store under {@code cache-mounts/}, one per id (the
 *       target by default), created with mode/uid/gid, seeded from {@code from}; {@code
 *       sharing=shared} lets concurrent steps use it together, {@code locked} makes them wait
 *       (threads of this build and other processes alike), {@code private} gives a busy cache's
 *       second user a fresh throw-away directory.
 *   <li>{@code bind}: a directory or file of the context or of a stage/image, read-only unless
 *       {@code rw}, when writes go to a throw-away copy (BuildKit discards them too).
 *   <li>{@code tmpfs}: a tmpfs of {@code size} bytes.
 *   <li>{@code ssh}: the ssh-agent given with {@code --ssh ID=SOCKET}, through a relay socket
 *       ({@link SshAgentRelay}); never in a layer or the key.
 *   <li>{@code secret}: the secret given with {@code --secret id=ID,...} as a read-only file with
 *       mode (0400 by default) and owner, and/or as the variable {@code env}; never in a layer,
 *       never in a cache key.
 * </ul>
 *
 * Everything it made for one step is removed on close, except cache directories.
 */
final class RunMounts implements AutoCloseable {
  private final List<SandboxMount> mounts = new ArrayList<>();
  private final List<String> env = new ArrayList<>();
  private final List<Path> scratch = new ArrayList<>();
  private final List<CacheLock> held = new ArrayList<>();

  private final StepContext ctx;

  private RunMounts(StepContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Prepares {@code specs} for a step of {@code ctx}'s build whose working directory is {@code
   * workdir} (cache directories in its store, secrets and ssh agents of its request, bind sources
   * from its context and stages); errors name the mount but not the line (the step loop adds it).
   */
  static RunMounts prepare(List<Mount> specs, String workdir, StepContext ctx) throws IOException {
    RunMounts m = new RunMounts(ctx);
    try {
      for (Mount spec : specs) {
        m.add(spec, workdir);
      }
      return m;
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The build context's files as the step sees them (.dockerignore applied). */
  private Path context() throws IOException {
    return ctx.sources().contextForMounts();
  }

  /** The rootfs of the stage or image {@code from}, shared: not to be written. */
  private Path stage(String from) throws IOException {
    return ctx.sources().mounted(ctx.sources().stageByRef(from));
  }

  /**
   * The mounts for the sandbox, a parent before what it holds whatever the Dockerfile's order (a
   * mount made first would hide one below it): by depth, Dockerfile order within a depth.
   */
  List<SandboxMount> mounts() {
    List<SandboxMount> sorted = new ArrayList<>(mounts);
    sorted.sort(Comparator.comparingLong(m -> m.target().chars().filter(c -> c == '/').count()));
    return List.copyOf(sorted);
  }

  /** KEY=VALUE entries for the step's environment (secrets with {@code env=}). */
  List<String> env() {
    return List.copyOf(env);
  }

  private void add(Mount spec, String workdir) throws IOException {
    Path tmp = ctx.store().tmp();
    String target = MountTarget.of(spec, workdir);
    switch (spec.type()) {
      case "cache" -> mounts.add(SandboxMount.bind(cacheDir(spec, tmp), target, spec.readOnly()));
      case "bind" -> mounts.add(SandboxMount.bind(bindSource(spec, tmp), target, spec.readOnly()));
      case "tmpfs" -> mounts.add(SandboxMount.tmpfs(target, spec.sizeBytes()));
      case "secret" -> secret(spec, target, tmp, ctx.req().run().secrets());
      case "ssh" -> ssh(spec, target, tmp, ctx.req().run().sshAgents());
    }
  }

  // ------------------------------------------------------------------ cache

  private Path cacheDir(Mount spec, Path tmp) throws IOException {
    String id = spec.id() != null ? spec.id() : spec.target();
    Path dir = CacheMounts.dir(ctx.store().root(), id);
    switch (spec.sharing()) {
      case "locked" -> held.add(CacheLock.take(dir, true));
      case "private" -> {
        CacheLock lock = CacheLock.take(dir, false);
        if (lock == null) { // in use, here or by another build: a throw-away one
          Path fresh = Files.createTempDirectory(tmp, "cache-private-");
          scratch.add(fresh);
          initCache(spec, fresh);
          return fresh;
        }
        held.add(lock);
      }
      default -> {} // shared: no lock, as BuildKit
    }
    if (!Files.isDirectory(dir)) {
      PrivateDirs.create(dir.getParent());
      Path part = Files.createTempDirectory(tmp, "cache-new-");
      initCache(spec, part);
      try {
        Files.move(part, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        Trees.removeAll(part); // another step made it first
      }
    }
    return dir;
  }

  private void initCache(Mount spec, Path dir) throws IOException {
    if (spec.from() != null) {
      Path src =
          MountSource.inside(
              stage(spec.from()),
              spec.source() == null ? "/" : spec.source(),
              "from=" + spec.from());
      Trees.copy(src, dir.resolve(".seed"), m -> {});
      try (var s = Files.list(dir.resolve(".seed"))) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.move(p, dir.resolve(p.getFileName()));
        }
      }
      Files.delete(dir.resolve(".seed"));
    }
    int mode = spec.modeOr(0755);
    Posix.chmod(dir, mode);
    Posix.lchown(
        dir,
        spec.uid() == null ? 0 : spec.uid().intValue(),
        spec.gid() == null ? 0 : spec.gid().intValue());
  }

  // ------------------------------------------------------------------ bind

  private Path bindSource(Mount spec, Path tmp) throws IOException {
    Path root = spec.from() == null ? context() : stage(spec.from());
    String what = spec.from() == null ? "the build context" : "from=" + spec.from();
    Path src = MountSource.inside(root, spec.source() == null ? "/" : spec.source(), what);
    if (spec.readOnly()) {
      return src;
    }
    // rw: the step may write, but neither the context nor the stage may change
    Path copy = Files.createTempDirectory(tmp, "bind-rw-");
    scratch.add(copy);
    Path dst = copy.resolve("src");
    // a FIFO or socket as the source is made anew, never opened (Files.copy would block on it)
    Trees.copy(src, dst, m -> {});
    return dst;
  }

  // ------------------------------------------------------------------ tmpfs

  // ------------------------------------------------------------------ secret

  private void secret(Mount spec, String target, Path tmp, Map<String, byte[]> secrets)
      throws IOException {
    byte[] value = secrets.get(spec.id());
    if (value == null) {
      if (spec.required()) {
        throw new BuildException(
            "secret "
                + spec.id()
                + " is required but was not given (--secret id="
                + spec.id()
                + ",src=FILE)");
      }
      return; // BuildKit skips a secret that is not required and not given
    }
    if (spec.env() != null) {
      env.add(spec.env() + "=" + new String(value, StandardCharsets.UTF_8));
    }
    if (target == null) {
      return;
    }
    // A private copy with the mount's mode and owner: the user's file keeps its own.
    Path dir = Files.createTempDirectory(tmp, "secret-");
    scratch.add(dir);
    Path file = dir.resolve("secret");
    Files.write(file, value);
    Posix.chmod(file, spec.modeOr(0400));
    Posix.lchown(
        file,
        spec.uid() == null ? 0 : spec.uid().intValue(),
        spec.gid() == null ? 0 : spec.gid().intValue());
    mounts.add(SandboxMount.bind(file, target, true));
  }

  // ------------------------------------------------------------------ ssh

  private final List<SshAgentRelay> relays = new ArrayList<>();

  /**
   * The agent given with {@code --ssh ID=SOCKET}, through a relay ({@link SshAgentRelay}) at the
   * target, by default {@code /run/buildkit/ssh_agent.N} for the step's Nth ssh mount; the first
   * one is also {@code SSH_AUTH_SOCK} (BuildKit's rules). Not required and not given: skipped.
   */
  private void ssh(Mount spec, String target, Path tmp, Map<String, Path> agents)
      throws IOException {
    Path agent = agents.get(spec.id());
    if (agent == null) {
      if (spec.required()) {
        throw new BuildException(
            "ssh agent "
                + spec.id()
                + " is required but was not given (--ssh "
                + spec.id()
                + "=SOCKET, or --ssh default for $SSH_AUTH_SOCK)");
      }
      return;
    }
    String at = target != null ? target : "/run/buildkit/ssh_agent." + relays.size();
    // In the system's temp dir, not the store's: a unix socket's path has at most 107 bytes.
    Path dir = Files.createTempDirectory("strata-ssh-");
    scratch.add(dir);
    SshAgentRelay relay = new SshAgentRelay(agent, dir.resolve("agent.sock"), spec);
    relays.add(relay);
    if (relays.size() == 1) {
      env.add("SSH_AUTH_SOCK=" + at);
    }
    mounts.add(SandboxMount.bind(relay.socket(), at, false)); // a socket: connect needs it writable
  }

  @Override
  public void close() throws IOException {
    for (SshAgentRelay r : relays) {
      r.close();
    }
    IOException first = null;
    for (Path p : scratch) {
      try {
        Trees.removeAll(p);
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    scratch.clear();
    for (CacheLock l : held) {
      try {
        l.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    held.clear();
    if (first != null) {
      throw first;
    }
  }
}
