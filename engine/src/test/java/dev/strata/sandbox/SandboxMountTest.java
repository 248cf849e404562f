package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SandboxMount's checks and its argv form (protocol.h), nothing run. */
class SandboxMountTest {
  @ParameterizedTest
  @CsvSource({
    "/a, /a",
    "/a/b/, /a/b", // trailing slash
    "//a///b, /a/b", // empty names
    "/a/./b, /a/b",
    "/a/../b, /b",
    "/../../b, /b", // .. at the root stays there, as filepath.Clean does
    "'/with space/and,comma:colon', '/with space/and,comma:colon'",
  })
  void targetsAreCleanedLexically(String given, String clean) {
    assertEquals(clean, SandboxMount.bind(Path.of("/src"), given, false).target());
  }

  @ParameterizedTest
  @CsvSource({
    "relative, is not an absolute path",
    "/, is the root itself",
    "/a/.., is the root itself",
    "'', is not an absolute path",
  })
  void badTargetsAreRefused(String target, String message) {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> SandboxMount.tmpfs(target, OptionalLong.empty()));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void fieldsMustFitTheKind() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SandboxMount.bind(Path.of("rel/src"), "/t", false),
        "relative source");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SandboxMount(
                SandboxMount.Kind.BIND,
                Optional.empty(),
                "/t",
                false,
                OptionalLong.empty(),
                OptionalInt.empty()),
        "bind without source");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SandboxMount(
                SandboxMount.Kind.TMPFS,
                Optional.of(Path.of("/s")),
                "/t",
                false,
                OptionalLong.empty(),
                OptionalInt.empty()),
        "tmpfs with a source");
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SandboxMount(
                SandboxMount.Kind.BIND,
                Optional.of(Path.of("/s")),
                "/t",
                false,
                OptionalLong.of(1),
                OptionalInt.empty()),
        "bind with a size");
    assertThrows(
        IllegalArgumentException.class,
        () -> SandboxMount.tmpfs("/t", OptionalLong.of(0)),
        "size 0 would be unlimited");
    assertThrows(
        IllegalArgumentException.class,
        () -> SandboxMount.tmpfs("/t", OptionalLong.empty()).withTmpfsMode(010000));
  }

  @Test
  void specKeepsMountsInOrderAndOldFormsStillWork() {
    SandboxMount a = SandboxMount.bind(Path.of("/a"), "/x", true);
    SandboxMount b = SandboxMount.tmpfs("/x/y", OptionalLong.of(4096));
    SandboxSpec s = SandboxSpec.of(Path.of("/r"), List.of("true"), List.of());
    assertEquals(List.of(), s.mounts(), "default: none");
    SandboxSpec m = s.withMounts(List.of(a, b)).withNetwork(NetworkMode.NONE);
    assertEquals(List.of(a, b), m.mounts(), "kept through other withers");
    SandboxSpec seven =
        new SandboxSpec(
            Path.of("/r"),
            List.of("true"),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            NetworkMode.HOST,
            Optional.empty());
    assertEquals(List.of(), seven.mounts());
  }
}
