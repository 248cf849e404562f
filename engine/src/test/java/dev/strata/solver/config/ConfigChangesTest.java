package dev.strata.solver.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.oci.ImageConfig;
import dev.strata.oci.Platform;
import dev.strata.solver.BuildException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigChangesTest {
  @ParameterizedTest
  @CsvSource({
    // Go duration, nanoseconds
    "30s, 30000000000",
    "1m30s, 90000000000",
    "500ms, 500000000",
    "1h, 3600000000000",
    "1.5s, 1500000000",
    "10us, 10000",
    "7ns, 7",
  })
  void goDurations(String in, long nanos) {
    assertEquals(Duration.ofNanos(nanos), ConfigChanges.goDuration(in));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "30", "s", "1x", "1m 2s", "-1s"})
  void badDurations(String in) {
    assertThrows(BuildException.class, () -> ConfigChanges.goDuration(in));
  }

  @ParameterizedTest
  @CsvSource({
    // previous WORKDIR (- none), WORKDIR argument, result (BuildKit's NormalizeWorkdir)
    "-, /app, /app",
    "-, app, /app",
    "/app, sub, /app/sub",
    "/app, /other, /other",
    "/app, ../x, /x",
    "/a/b, ./c/../d, /a/b/d",
    // an absolute path is kept as written, its trailing slash too (issue 18 row F)
    "-, /tmp/, /tmp/",
    "/app, /a/./b/, /a/./b/",
    // a relative one is joined and cleaned (path.Join): the slashes go
    "/tmp/, rel/, /tmp/rel",
    "/tmp/, ., /tmp",
  })
  void workdirIsJoinedToThePreviousOne(String prev, String arg, String want) {
    ImageConfig c = ImageConfig.empty(Platform.host(), Instant.EPOCH);
    if (!prev.equals("-")) {
      c =
          c.withConfigField(
              "WorkingDir", com.fasterxml.jackson.databind.node.TextNode.valueOf(prev));
    }
    assertEquals(want, ConfigChanges.workdir(c, arg));
  }
}
