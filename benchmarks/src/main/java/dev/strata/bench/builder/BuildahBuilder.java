package dev.strata.bench.builder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.StepResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code buildah build --layers}, rootless, on containers-storage of its own (overlay by default)
 * with the runc runtime and the host network (crun refuses this kind of host's hybrid cgroups, and
 * rootless slirp needs /dev/net/tun).
 *
 * <p>Hits are counted from its output, as nothing else reports them: each {@code STEP n/m: INSTR}
 * line opens a step, and a step is cached when its output has {@code --> Using cache ID}, else run.
 * As in Strata's hitRate, only RUN, COPY and ADD are counted (buildah also commits metadata-only
 * steps as layers under --layers; those are listed with cache null). New layer bytes are the {@code
 * diff-size} (uncompressed) of the layers that appeared in containers-storage's
 * overlay-layers/layers.json during the build.
 */
public final class BuildahBuilder implements Builder {
  static final Pattern STEP = Pattern.compile("^(?:\\[\\d+/\\d+\\] )?STEP (\\d+)/(\\d+): (.*)$");
  static final String USING_CACHE = "--> Using cache ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Path runroot;
  private final String driver;
  private final Map<String, String> env;

  /**
   * @param driver "overlay" or "vfs"
   */
  public BuildahBuilder(Path dir, String driver) throws IOException {
    this.root = dir.resolve("storage");
    this.runroot = dir.resolve("runroot");
    this.driver = driver;
    this.env = ToolEnvironment.make(dir.resolve("env"), root, runroot, driver);
  }

  @Override
  public String name() {
    return "buildah";
  }

  @Override
  public String missing() {
    for (String[] t : new String[][] {{"buildah", "buildah"}, {"runc", "runc"}}) {
      if (!Tools.onPath(t[0])) {
        return t[0] + " is not installed (apt-get install " + t[1] + ")";
      }
    }
    return null;
  }

  @Override
  public String version() throws IOException, InterruptedException {
    return Tools.output(List.of("buildah", "--version"), env).strip();
  }

  @Override
  public String hitMethod() {
    return "its output: a STEP followed by \"--> Using cache\" is a hit, else run (RUN/COPY/ADD"
        + " counted)";
  }

  private List<String> global() {
    return List.of(
        "buildah",
        "--root",
        root.toString(),
        "--runroot",
        runroot.toString(),
        "--storage-driver",
        driver);
  }

  @Override
  public void prepare(List<BaseImage> bases) throws IOException, InterruptedException {
    for (BaseImage b : bases) {
      List<String> pull = new ArrayList<>(global());
      pull.addAll(List.of("pull", "-q", "oci-archive:" + b.ociArchive()));
      String id = Tools.output(pull, env).strip();
      List<String> tag = new ArrayList<>(global());
      // A short name in the Dockerfile finds localhost/NAME in local storage first.
      tag.addAll(List.of("tag", id, "localhost/" + b.name()));
      Tools.output(tag, env);
    }
  }

  @Override
  public BuildResult build(BuildRequest r) throws IOException, InterruptedException {
    Path log = r.log();
    Path iid = r.logDir().resolve(r.logName() + ".iid");
    Files.deleteIfExists(iid);
    Map<String, Long> before = layers();
    List<String> cmd = new ArrayList<>(global());
    cmd.addAll(
        List.of(
            "build",
            "--layers",
            "--runtime",
            "runc",
            "--network",
            "host",
            "--pull=never",
            "--iidfile",
            iid.toString(),
            "-t",
            "bench",
            "-f",
            r.context().resolve(r.dockerfile()).toString()));
    cmd.addAll(r.lastArgs());
    Measured m = Measured.run(cmd, env, log);
    String logName = r.shownLog();
    if (m.exit() != 0 || !Files.isRegularFile(iid)) {
      return m.failed(
          name(),
          logName,
          m.exit() == 0 ? "it wrote no --iidfile " + iid : Tools.lastLines(log, 3));
    }
    List<StepResult> steps =
        parseSteps(new String(Files.readAllBytes(log), StandardCharsets.UTF_8));
    long newBytes = 0;
    for (Map.Entry<String, Long> l : layers().entrySet()) {
      if (!before.containsKey(l.getKey())) {
        newBytes += l.getValue();
      }
    }
    int run = (int) steps.stream().filter(StepResult::missed).count();
    int cached = (int) steps.stream().filter(StepResult::hit).count();
    String imageId = Files.readString(iid, StandardCharsets.UTF_8).strip();
    if (!imageId.contains(":")) {
      imageId = "sha256:" + imageId;
    }
    return new BuildResult(
        name(),
        "ok",
        null,
        m.wallSeconds(),
        m.cpuSeconds(),
        m.peakRssKb(),
        run,
        cached,
        run + cached == 0 ? 1.0 : (double) cached / (run + cached),
        newBytes,
        imageDigest(),
        imageId,
        logName,
        steps);
  }

  /** The manifest digest of the image just built (tagged bench). */
  private String imageDigest() throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(global());
    cmd.addAll(List.of("images", "--digests", "--format", "{{.Digest}}", "localhost/bench"));
    String d = Tools.output(cmd, env).strip();
    return d.isEmpty() ? null : d.lines().findFirst().orElse(null);
  }

  /** Layer id -> uncompressed diff size, from containers-storage's own record of its layers. */
  private Map<String, Long> layers() throws IOException {
    Path f = root.resolve(driver + "-layers/layers.json");
    Map<String, Long> out = new HashMap<>();
    if (!Files.isRegularFile(f)) {
      return out;
    }
    for (JsonNode l : JSON.readTree(f.toFile())) {
      out.put(l.path("id").asText(), l.path("diff-size").asLong(0));
    }
    return out;
  }

  /** The steps of a {@code buildah build} output (the counting rule is in the class comment). */
  static List<StepResult> parseSteps(String output) {
    List<StepResult> steps = new ArrayList<>();
    String instruction = null;
    int stage = -1;
    boolean cached = false;
    for (String line : output.split("\n", -1)) {
      Matcher m = STEP.matcher(line);
      if (m.matches()) {
        if (instruction != null) {
          steps.add(step(stage, instruction, cached));
        }
        instruction = m.group(3).strip();
        if (m.group(1).equals("1")) {
          stage++;
        }
        cached = false;
      } else if (line.startsWith(USING_CACHE)) {
        cached = true;
      }
    }
    if (instruction != null) {
      steps.add(step(stage, instruction, cached));
    }
    return steps;
  }

  private static StepResult step(int stage, String instruction, boolean cached) {
    String keyword = instruction.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
    boolean counted = keyword.equals("RUN") || keyword.equals("COPY") || keyword.equals("ADD");
    String cache = !counted ? null : cached ? "hit" : "miss";
    return new StepResult(stage, null, 0, instruction, cache, null, -1, -1);
  }
}
