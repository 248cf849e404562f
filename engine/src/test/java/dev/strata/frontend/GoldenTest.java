package dev.strata.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.PlanJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * One test per directory of {@code src/test/resources/frontend} (BuildKit's parser/testfiles): the
 * Dockerfile (or the file named by {@code -f} in {@code options}) is planned with the options in
 * {@code options} ({@code --build-arg K=V}, {@code --target S}, {@code --platform P}, one a line)
 * and compared with {@code result.json}, or, when planning fails, its message with {@code
 * error.txt}. {@code -Dstrata.golden.update=true} rewrites the expectations; review the diff.
 */
class GoldenTest {
  static final Path ROOT = Path.of("src/test/resources/frontend");
  static final boolean UPDATE = Boolean.getBoolean("strata.golden.update");

  @TestFactory
  Stream<DynamicTest> golden() throws IOException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(ROOT)) {
      dirs = s.filter(Files::isDirectory).sorted().toList();
    }
    assertTrue(dirs.size() >= 40, "expected the golden corpus, found " + dirs.size() + " cases");
    return dirs.stream()
        .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
  }

  private static void check(Path dir) throws IOException {
    BuildOptions options = BuildOptions.defaults();
    Map<String, String> args = new LinkedHashMap<>();
    String file = "Dockerfile";
    Path opts = dir.resolve("options");
    if (Files.exists(opts)) {
      for (String line : Files.readAllLines(opts)) {
        String[] kv = line.strip().split(" ", 2);
        switch (kv[0]) {
          case "--build-arg" -> {
            int eq = kv[1].indexOf('=');
            args.put(kv[1].substring(0, eq), kv[1].substring(eq + 1));
          }
          case "--target" -> options = options.withTarget(kv[1]);
          case "--platform" ->
              options = options.withPlatforms(kv[1], BuildOptions.DEFAULT_PLATFORM);
          case "-f" -> file = kv[1];
          case "" -> {}
          default -> fail("unknown option line in " + opts + ": " + line);
        }
      }
    }
    options = options.withBuildArgs(args);
    Path resultFile = dir.resolve("result.json");
    Path errorFile = dir.resolve("error.txt");
    String actual;
    Path expectedFile;
    try {
      BuildPlan plan =
          DockerfileFrontend.plan(dir.resolve(file), file, options); // bytes, as a build reads them
      actual = PlanJson.write(plan);
      expectedFile = resultFile;
    } catch (DockerfileException e) {
      actual = e.getMessage() + "\n";
      expectedFile = errorFile;
    }
    if (UPDATE) {
      Files.deleteIfExists(resultFile);
      Files.deleteIfExists(errorFile);
      Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(expectedFile)) {
      Path other = expectedFile == resultFile ? errorFile : resultFile;
      fail(
          "expected "
              + other.getFileName()
              + " outcome:\n"
              + (Files.exists(other) ? Files.readString(other) : "(missing)")
              + "\nbut got:\n"
              + actual);
    }
    assertEquals(Files.readString(expectedFile, StandardCharsets.UTF_8), actual);
  }
}
