package dev.strata.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.ResultsJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * results.json and report.md of {@link SampleResults}, against golden files
 * (src/test/resources/bench-golden; -Dstrata.golden.update=true rewrites them: review the diff).
 */
class ReportGoldenTest {
  private static final Path GOLDEN = Path.of("src/test/resources/bench-golden");

  private static void check(String file, String actual) throws Exception {
    Path p = GOLDEN.resolve(file);
    if (Boolean.getBoolean("strata.golden.update")) {
      Files.writeString(p, actual);
    }
    assertEquals(Files.readString(p), actual, file + " differs from " + p.toAbsolutePath());
  }

  @Test
  void resultsJsonMatchesGoldenAndReadsBack() throws Exception {
    BenchResults r = SampleResults.replay();
    String json = ResultsJson.write(r);
    check("results.json", json);
    assertEquals(r, ResultsJson.read(json));
  }

  @Test
  void reportMarkdownMatchesGolden() throws Exception {
    check("report.md", MarkdownReport.render(SampleResults.replay()));
  }
}
