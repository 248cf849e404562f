package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistriesConfigTest {
  @TempDir Path dir;

  private static RegistriesConfig parse(String json) {
    return RegistriesConfig.parse(json.getBytes(StandardCharsets.UTF_8), "registries.json");
  }

  @Test
  void mirrorsAndInsecure() {
    RegistriesConfig c =
        parse(
            "{\"registries\":{\"docker.io\":{\"mirrors\":[\"m1.internal:5000\",\"M2.internal\"]},"
                + "\"cache.internal:5000\":{\"insecure\":true}}}");
    assertEquals(List.of("m1.internal:5000", "m2.internal"), c.registry("docker.io").mirrors());
    assertEquals(
        List.of("m1.internal:5000", "m2.internal"), c.registry("index.docker.io").mirrors());
    assertTrue(c.allowsHttp("cache.internal:5000"));
    assertFalse(c.allowsHttp("quay.io"));
    assertEquals(List.of(), c.registry("quay.io").mirrors());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"registry\":{}}|unknown key \"registry\"",
        "{\"registries\":{\"a.io\":{\"mirror\":[]}}}|unknown key \"registries.\"a.io\".mirror\"",
        "{\"registries\":{\"a.io\":{\"mirrors\":\"m.io\"}}}|mirrors must be a list",
        "{\"registries\":{\"a.io\":{\"mirrors\":[\"https://m.io/v2\"]}}}|is not a registry host",
        "{\"registries\":{\"a.io\":{\"insecure\":\"yes\"}}}|insecure must be true or false",
        "[1]|expected a JSON object",
        "{|not valid JSON",
      })
  void refusesWithTheKeyAtFault(String json, String message) {
    RegistryException e = assertThrows(RegistryException.class, () -> parse(json));
    assertTrue(e.getMessage().startsWith("registries.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:5000, true",
    "127.1.2.3, true",
    "localhost:5000, true",
    "[::1]:5000, true",
    "10.0.0.1:5000, false",
    "registry.example.com, false",
    "127.0.0.1.nip.io, false",
  })
  void loopback(String host, boolean loopback) {
    assertEquals(loopback, RegistriesConfig.isLoopback(host));
    assertEquals(loopback, RegistriesConfig.empty().allowsHttp(host));
  }

  @Test
  void fileLocationAndMissingFile() throws Exception {
    assertEquals(
        dir.resolve("x.json"),
        RegistriesConfig.defaultPath(
            Map.of("STRATA_REGISTRIES_CONFIG", dir.resolve("x.json").toString()), dir));
    assertEquals(
        Path.of("/cfg/strata/registries.json"),
        RegistriesConfig.defaultPath(Map.of("XDG_CONFIG_HOME", "/cfg"), dir));
    assertEquals(
        dir.resolve(".config/strata/registries.json"), RegistriesConfig.defaultPath(Map.of(), dir));
    assertEquals(
        List.of(),
        RegistriesConfig.load(dir.resolve("missing.json")).registry("docker.io").mirrors());
    Files.writeString(
        dir.resolve("r.json"), "{\"registries\":{\"docker.io\":{\"mirrors\":[\"m:1\"]}}}");
    assertEquals(
        List.of("m:1"),
        RegistriesConfig.load(dir.resolve("r.json")).registry("docker.io").mirrors());
  }
}
