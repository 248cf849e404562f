package dev.strata.frontend.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.frontend.DockerfileException;
import dev.strata.frontend.DockerfileFrontend;
import dev.strata.frontend.instructions.Instruction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan as the engine consumes it: scopes per step, mounts, inherited state, options. */
class BuildPlanTest {
  /** Every stage from an image has PATH (BuildKit sets the default when the image has none). */
  private static final String PATH = Environment.DEFAULT_PATH;

  private static BuildPlan plan(String text, BuildOptions options) throws DockerfileException {
    return DockerfileFrontend.plan("Dockerfile", text, options);
  }

  /**
   * 20,000 ENV lines: each step's scope shares one write log. With a copy per step the planner held
   * 200 million map entries and ran for minutes (issue #14: bad input never hangs).
   */
  @Test
  void manyVariablesPlanInLinearTime() {
    StringBuilder df = new StringBuilder("FROM alpine\n");
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      df.append("ENV V").append(i).append('=').append(i).append('\n');
    }
    df.append("ENV V7=seven\nRUN echo $V7\n");
    BuildPlan p =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> plan(df.toString(), BuildOptions.defaults()));
    List<Step> steps = p.targetStage().steps();
    Environment atRun = steps.get(n + 1).env();
    assertEquals(n + 1, atRun.runEnv().size()); // PATH and V0..V19999
    assertEquals("seven", atRun.lookup("V7"));
    assertEquals("7", steps.get(n).env().lookup("V7")); // the step before sees the value before
    assertNull(steps.get(7).env().lookup("V7")); // and the step that sets it, none yet
    assertEquals(List.of("PATH", "V0", "V1"), atRun.vars().keySet().stream().limit(3).toList());
  }

  @Test
  void eachStepCarriesTheScopeBeforeIt() throws DockerfileException {
    BuildPlan p =
        plan(
            "FROM alpine\nARG A=1\nENV B=$A\nARG A=2\nRUN echo\nENV A=env\nRUN echo\n",
            BuildOptions.defaults());
    List<Step> steps = p.targetStage().steps();
    assertEquals(Map.of("PATH", PATH), steps.get(0).env().runEnv()); // before ARG A=1
    Environment atFirstRun = steps.get(3).env();
    assertEquals(Map.of("A", "2"), atFirstRun.args());
    assertEquals(Map.of("PATH", PATH, "B", "1"), atFirstRun.env());
    assertEquals("2", atFirstRun.lookup("A"));
    Environment atSecondRun = steps.get(5).env();
    assertEquals("env", atSecondRun.lookup("A")); // a later ENV hides the ARG
    assertEquals(Map.of("PATH", PATH, "A", "env", "B", "1"), atSecondRun.runEnv());
    assertEquals(
        List.of("PATH", "A", "B"), List.copyOf(atSecondRun.vars().keySet())); // order first set
    assertEquals(Environment.DEFAULT_SHELL, atSecondRun.shell());
  }

  @Test
  void aLaterArgChangesWhatStepsSeeButNotTheImageEnv() throws DockerfileException {
    BuildPlan p = plan("FROM alpine\nENV V=env\nARG V=arg\nRUN echo\n", BuildOptions.defaults());
    Environment atRun = p.targetStage().steps().get(2).env();
    assertEquals("arg", atRun.lookup("V"));
    assertEquals(Map.of("PATH", PATH, "V", "env"), atRun.env());
  }

  @Test
  void argsOfABaseStageAreInherited() throws DockerfileException {
    BuildPlan p =
        plan(
            "FROM alpine AS base\nARG V=1\nFROM base\nRUN echo\nFROM alpine\nCOPY --from=1 / /\n",
            BuildOptions.defaults().withTarget(null));
    Environment child = p.stage(1).steps().get(0).env();
    assertEquals(Map.of("V", "1"), child.args());
    assertEquals("1", child.lookup("V"));
    assertEquals(
        Map.of("PATH", PATH),
        p.stage(2).steps().get(0).env().vars()); // an unrelated stage does not see it
  }

  @Test
  void stagesInheritEnvAndShellFromTheirBaseStage() throws DockerfileException {
    BuildPlan p =
        plan(
            "FROM alpine AS base\nENV X=1\nSHELL [\"/bin/bash\", \"-c\"]\nFROM base\nRUN echo\n",
            BuildOptions.defaults());
    Step run = p.targetStage().steps().get(0);
    assertEquals(Map.of("PATH", PATH, "X", "1"), run.env().env());
    assertEquals(Map.of("PATH", PATH, "X", "1"), run.env().vars());
    assertEquals(List.of("/bin/bash", "-c"), run.env().shell());
    assertEquals(Integer.valueOf(0), p.targetStage().baseStage());
  }

  @Test
  void baseImageEnvTakesPartInExpansion() throws DockerfileException {
    BuildOptions o =
        BuildOptions.defaults()
            .withBaseImageEnv(
                image -> image.startsWith("golang") ? Map.of("GOPATH", "/go") : Map.of());
    BuildPlan p = plan("FROM golang:1.21\nWORKDIR $GOPATH/src/app\n", o);
    Instruction.Workdir w = (Instruction.Workdir) p.targetStage().steps().get(0).instruction();
    assertEquals("/go/src/app", w.path());
  }

  @Test
  void runMountsAreParsedWithDefaults() throws DockerfileException {
    BuildPlan p =
        plan(
            "FROM golang AS b\nFROM alpine\nARG T=/cache\nRUN --mount=type=cache,target=$T,id=go --mount=from=b,source=/out,target=/mnt,rw true\n",
            BuildOptions.defaults());
    List<Mount> mounts = p.targetStage().steps().get(1).mounts();
    assertEquals(2, mounts.size());
    Mount cache = mounts.get(0);
    assertEquals("cache", cache.type());
    assertEquals("/cache", cache.target());
    assertEquals("shared", cache.sharing());
    assertFalse(cache.readOnly());
    Mount bind = mounts.get(1);
    assertEquals("bind", bind.type());
    assertEquals("b", bind.from());
    assertFalse(bind.readOnly());
    assertEquals(List.of(0), p.targetStage().dependsOn());
  }

  @Test
  void mountWithoutATargetLiesAtTheWorkdir() throws DockerfileException {
    // BuildKit: filepath.Join("/", WORKDIR, path.Clean("")); the engine joins "." with the WORKDIR
    List<Mount> mounts =
        plan(
                "FROM busybox AS bin\nFROM alpine\nWORKDIR /src\n"
                    + "RUN --mount=from=bin --mount=type=cache --mount=type=tmpfs,size=1m true\n",
                BuildOptions.defaults())
            .targetStage()
            .steps()
            .get(1)
            .mounts();
    assertEquals(List.of(".", ".", "."), mounts.stream().map(Mount::target).toList());
    assertEquals("bin", mounts.get(0).from());
  }

  @Test
  void secretMountDefaultsItsTarget() throws DockerfileException {
    Mount m =
        plan("FROM alpine\nRUN --mount=type=secret,id=npmrc true\n", BuildOptions.defaults())
            .targetStage()
            .steps()
            .get(0)
            .mounts()
            .get(0);
    assertEquals("/run/secrets/npmrc", m.target());
    assertTrue(m.readOnly());
  }

  @Test
  void wavesOfADiamond() throws DockerfileException {
    String text =
        "FROM alpine AS a\nFROM a AS b\nFROM a AS c\nFROM alpine AS unrelated\nFROM alpine\nCOPY --from=b / /\nCOPY --from=c / /\n";
    BuildPlan p = plan(text, BuildOptions.defaults());
    assertEquals(List.of(List.of(0), List.of(1, 2), List.of(4)), p.buildOrder());
    assertEquals(List.of(0, 1, 2, 4), p.stages().stream().map(Stage::index).toList());
    assertEquals(4, p.target());
  }

  @Test
  void proxyArgsReachRunOnlyAndUnusedArgsWarn() throws DockerfileException {
    BuildOptions o =
        BuildOptions.defaults().withBuildArgs(Map.of("HTTP_PROXY", "http://p:3128", "NOPE", "1"));
    BuildPlan p = plan("FROM alpine\nRUN echo\n", o);
    assertEquals(Map.of("HTTP_PROXY", "http://p:3128"), p.proxyArgs());
    assertEquals(Map.of("PATH", PATH), p.targetStage().steps().get(0).env().runEnv());
    assertTrue(p.warnings().stream().anyMatch(w -> w.contains("NOPE")), p.warnings().toString());
    assertFalse(
        p.warnings().stream().anyMatch(w -> w.contains("HTTP_PROXY")), p.warnings().toString());
  }

  @Test
  void globalArgsAreRecordedAndTargetIsCaseInsensitive() throws DockerfileException {
    BuildPlan p =
        plan(
            "ARG V=1\nARG NONE\nFROM alpine:$V AS Build\n",
            BuildOptions.defaults().withTarget("BUILD"));
    assertEquals(Map.of("V", "1"), p.globalArgs());
    assertEquals("build", p.targetStage().name());
    assertNull(p.targetStage().platform());
  }

  @Test
  void expandedInstructionsAreCanonical() throws DockerfileException {
    BuildPlan p =
        plan(
            "FROM alpine\nARG D=/app\nCOPY --chown=1:1 --link [\"a\", \"b c\", \"$D/\"]\n",
            BuildOptions.defaults());
    Instruction in = p.targetStage().steps().get(1).instruction();
    assertEquals(List.of("a", "b c", "/app/"), in.args());
    assertEquals(Map.of("chown", List.of("1:1"), "link", List.of("true")), in.flags());
  }
}
