package dev.strata.oci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The typed accessors of {@link ImageConfig}: values, empty when absent, never a live node. */
class ImageConfigTest {
  private static final String FULL =
      """
      {"architecture":"amd64","os":"linux",
       "config":{"Env":["PATH=/bin","A=b c"],"WorkingDir":"/w","User":"1000:1000",
                 "Entrypoint":["/bin/sh","-c"],"Cmd":["echo","hi"],"OnBuild":["RUN a","RUN b"],
                 "StopSignal":"SIGINT","Labels":{"z":"1","a":"2"},
                 "ExposedPorts":{"80/tcp":{},"53/udp":{}},"Volumes":{"/data":{}}},
       "rootfs":{"type":"layers","diff_ids":[]}}
      """;
  private static final String BARE =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

  /** Docker writes null for an unset Cmd or Entrypoint. */
  private static final String NULLS =
      "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":null,\"Entrypoint\":null,"
          + "\"Labels\":null,\"User\":\"\"},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

  private static ImageConfig parse(String json) {
    return ImageConfig.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyFieldIsReadAsAValue() {
    ImageConfig c = parse(FULL);
    assertEquals(List.of("PATH=/bin", "A=b c"), c.env());
    assertEquals("/w", c.workingDir());
    assertEquals("1000:1000", c.user());
    assertEquals(List.of("/bin/sh", "-c"), c.entrypoint());
    assertEquals(List.of("echo", "hi"), c.cmd());
    assertEquals(List.of("RUN a", "RUN b"), c.onBuild());
    assertEquals("SIGINT", c.stopSignal());
    assertEquals(Map.of("z", "1", "a", "2"), c.labels());
    assertEquals(List.of("z", "a"), List.copyOf(c.labels().keySet()), "the config's order");
    assertEquals(List.of("80/tcp", "53/udp"), List.copyOf(c.exposedPorts()));
    assertEquals(Set.of("/data"), c.volumes());
  }

  static Stream<Arguments> withoutFields() {
    return Stream.of(
        Arguments.of("no config section", BARE), Arguments.of("nulls and empty strings", NULLS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("withoutFields")
  void anAbsentFieldIsEmpty(String name, String json) {
    ImageConfig c = parse(json);
    assertEquals(List.of(), c.env());
    assertEquals("", c.workingDir());
    assertEquals("", c.user());
    assertEquals(List.of(), c.entrypoint());
    assertEquals(List.of(), c.cmd());
    assertEquals(List.of(), c.onBuild());
    assertEquals("", c.stopSignal());
    assertEquals(Map.of(), c.labels());
    assertEquals(Set.of(), c.exposedPorts());
    assertEquals(Set.of(), c.volumes());
  }

  @Test
  void whatItHandsOutCannotChangeIt() {
    ImageConfig c = parse(FULL);
    byte[] before = c.bytes();
    ((ObjectNode) c.configField("Labels")).put("z", "changed");
    c.json().with("config").put("WorkingDir", "/elsewhere");
    assertThrows(UnsupportedOperationException.class, () -> c.labels().put("x", "y"));
    assertThrows(UnsupportedOperationException.class, () -> c.cmd().add("x"));
    assertThrows(UnsupportedOperationException.class, () -> c.exposedPorts().add("1/tcp"));
    assertEquals("1", c.labels().get("z"));
    assertEquals("/w", c.workingDir());
    assertArrayEquals(before, c.bytes(), "the config's bytes are unchanged");
  }

  @Test
  void aChangeReturnsANewConfig() {
    ImageConfig c = parse(FULL);
    ImageConfig d = c.withCmd(List.of("true"));
    assertEquals(List.of("true"), d.cmd());
    assertEquals(List.of("echo", "hi"), c.cmd());
  }
}
