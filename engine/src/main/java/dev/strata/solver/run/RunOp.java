package dev.strata.solver.run;

import dev.strata.buildcache.KeyInputs;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.plan.Mount;
import dev.strata.frontend.plan.RunOptions;
import dev.strata.frontend.plan.Step;
import dev.strata.nshelper.HelperFailureTap;
import dev.strata.oci.ImageConfig;
import dev.strata.sandbox.NetworkMode;
import dev.strata.sandbox.SandboxSecurity;
import dev.strata.sandbox.SandboxSpec;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildProgress;
import dev.strata.solver.Operation;
import dev.strata.solver.StepContext;
import dev.strata.solver.StepInputs;
import dev.strata.solver.StepState;
import dev.strata.solver.StepText;
import dev.strata.solver.copy.CopySources;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The RUN step: what of it goes into its cache key besides its text (the environment it sees, its
 * network, its mounts and what bind mounts show) and running it in the sandbox in the step's rootfs
 * with its {@code --mount}s, its output sent as progress events of the step. It keeps no state of
 * its own: the stages' threads share one.
 */
public final class RunOp implements Operation {
  private final StepContext ctx;

  public RunOp(StepContext ctx) {
    this.ctx = ctx;
  }

  /**
   * The RUN's inputs: its environment, shell, network and mounts ({@code --security=insecure}
   * without {@code --allow} is refused here, before any lookup).
   */
  @Override
  public StepInputs inputs(StepState state) throws IOException {
    Step step = state.step();
    security(step);
    ImageConfig c = state.config();
    return StepInputs.of(
        KeyInputs.run(
            c.user(),
            c.workingDir(),
            runEnv(step, c),
            step.env().shell(),
            networkInput(step),
            mountsInput(step)));
  }

  @Override
  public void run(StepState state, BuildProgress.Step ps, Path rootfs, KeyInputs inputs)
      throws IOException, InterruptedException {
    run((Instruction.Run) state.step().instruction(), state.step(), ps, state.config(), rootfs);
  }

  /** The variables a RUN sees, KEY=VALUE in order; also its key's {@code env} input. */
  List<String> runEnv(Step step, ImageConfig config) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String e : config.env()) {
      int eq = e.indexOf('=');
      if (eq > 0) {
        env.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    env.putAll(ctx.plan().proxyArgs());
    step.env().runEnv().forEach(env::putIfAbsent);
    step.env().env().forEach(env::put);
    List<String> out = new ArrayList<>();
    env.forEach((k, v) -> out.add(k + "=" + v));
    return out;
  }

  /** The RUN's {@code --network}, else the build's. */
  NetworkMode network(Step step) {
    return switch (step.run().network()) {
      case DEFAULT -> ctx.req().run().network().mode();
      case NONE -> NetworkMode.NONE;
      case HOST -> NetworkMode.HOST;
    };
  }

  /** The key's network input: the mode, then the --add-host lines when there are some. */
  private String networkInput(Step step) {
    String mode = network(step).name().toLowerCase(Locale.ROOT);
    List<String> hosts = ctx.req().run().network().extraHosts();
    return hosts.isEmpty() ? mode : mode + " add-host " + String.join(",", hosts);
  }

  /**
   * What the RUN may do: Docker's capabilities and podman's seccomp profile, or with {@code
   * --security=insecure} every capability of the user namespace and no filter, which, as in
   * BuildKit, needs the build's {@code --allow security.insecure}. Called when the step's key is
   * computed, so a cached step is refused too (BuildKit checks entitlements before solving).
   */
  SandboxSecurity security(Step step) {
    if (step.run().security() != RunOptions.Security.INSECURE) {
      return SandboxSecurity.DEFAULT;
    }
    if (!ctx.req().run().allowInsecure()) {
      throw new BuildException(
          "RUN --security=insecure is not allowed: pass --allow security.insecure to strata build"
              + " to give this step every capability and no seccomp filter");
    }
    return SandboxSecurity.INSECURE;
  }

  /**
   * What of a RUN's mounts goes into its key: every mount's spec and, for a bind mount, the content
   * it shows (the context's files, or the source stage's layers), as BuildKit keys bind mounts by
   * their content. Cache, tmpfs and secret contents do not count.
   */
  String mountsInput(Step step) throws IOException {
    List<KeyInputs.Mount> specs = new ArrayList<>();
    List<String> binds = new ArrayList<>();
    for (Mount m : step.mounts()) {
      specs.add(keyMount(m));
      if (!m.type().equals("bind")) {
        continue;
      }
      String src = m.source() == null ? "." : m.source();
      if (m.from() == null) {
        try (CopySources cs = ctx.sources().context().forKey()) {
          binds.add(src + " " + cs.contentHash(cs.select(List.of(src)), false));
        }
      } else {
        StringBuilder sb = new StringBuilder(m.from()).append(':').append(src);
        ctx.sources().stageByRef(m.from()).layers().forEach(l -> sb.append(' ').append(l.diffId()));
        binds.add(sb.toString());
      }
    }
    return KeyInputs.mountsText(specs, binds);
  }

  /** A mount as its step's key names it: every option. */
  static KeyInputs.Mount keyMount(Mount m) {
    return new KeyInputs.Mount(
        m.type(),
        m.target(),
        m.source(),
        m.from(),
        m.readOnly(),
        m.id(),
        m.sharing(),
        m.mode(),
        m.uid(),
        m.gid(),
        m.required(),
        m.size(),
        m.env());
  }

  /**
   * Runs {@code r} in {@code rootfs} with its {@code --mount}s; a non-zero exit fails the step,
   * naming its line.
   */
  private void run(
      Instruction.Run r, Step step, BuildProgress.Step ps, ImageConfig config, Path rootfs)
      throws IOException, InterruptedException {
    String workdir = config.workingDir();
    try (RunMounts mounts = RunMounts.prepare(step.mounts(), workdir, ctx);
        ExtraHosts hosts = ExtraHosts.write(ctx.store().tmp(), network(step), ctx.req())) {
      runInSandbox(r, step, ps, config, rootfs, mounts, hosts);
    }
  }

  private void runInSandbox(
      Instruction.Run r,
      Step step,
      BuildProgress.Step ps,
      ImageConfig config,
      Path rootfs,
      RunMounts mounts,
      ExtraHosts hosts)
      throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>();
    if (r.command().exec()) {
      argv.addAll(r.command().args());
    } else {
      argv.addAll(step.env().shell());
      String line = r.command().shellLine();
      if (!r.heredocs().isEmpty() && line.strip().startsWith("<<")) {
        line = r.heredocs().get(0).content();
      }
      argv.add(line);
    }
    String user = config.user();
    String workdir = config.workingDir();
    List<String> env = new ArrayList<>(runEnv(step, config));
    env.addAll(mounts.env()); // secrets and SSH_AUTH_SOCK: in the step's environment, not its key
    Optional<String> tooLong = ExecLimits.refusal(argv, env, ExecLimits.total());
    if (tooLong.isPresent()) {
      throw new BuildException(
          "RUN " + StepText.clip(r.command().shellLine()) + ": " + tooLong.get());
    }
    SandboxSpec spec =
        new SandboxSpec(
                rootfs,
                argv,
                env,
                user.isEmpty() ? Optional.empty() : Optional.of(user),
                workdir.isEmpty() ? Optional.empty() : Optional.of(workdir),
                network(step),
                Optional.of("strata"))
            .withMounts(hosts.after(mounts.mounts()))
            .withSecurity(security(step));
    HelperFailureTap out = new HelperFailureTap(new StepOutput(ctx.progress(), ps));
    int code = ctx.sandbox().run(spec, out, out);
    if (code != 0) { // the helper's own failure names its cause (an unknown USER)
      throw new BuildException(
          "RUN " + StepText.clip(r.command().shellLine()) + ": " + out.describe(code));
    }
  }

  /** A RUN's stdout and stderr as {@link BuildProgress#output} events of its step. */
  private static final class StepOutput extends OutputStream {
    private final BuildProgress progress;
    private final BuildProgress.Step step;

    StepOutput(BuildProgress progress, BuildProgress.Step step) {
      this.progress = progress;
      this.step = step;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      progress.output(step, b, off, len);
    }
  }
}
