package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RunDefaultsTest {
  private static List<String> words(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(" "));
  }

  @ParameterizedTest(name = "[{index}] ENTRYPOINT [{0}] CMD [{1}] args [{2}]")
  @CsvSource(
      delimiter = '|',
      value = {
        // args replace CMD
        "          | sh        | id         | id",
        // no args: CMD
        "          | sh -l     |            | sh -l",
        // ENTRYPOINT stays, args follow it
        "tini --   | sh        | id -u      | tini -- id -u",
        // ENTRYPOINT with CMD as its default arguments
        "echo      | hello     |            | echo hello",
      })
  void commandFollowsPodman(String entrypoint, String cmd, String args, String expected) {
    RunDefaults d =
        new RunDefaults(
            words(nz(entrypoint)), words(nz(cmd)), List.of(), Optional.empty(), Optional.empty());
    SandboxSpec s =
        d.toSpec(
            Path.of("/r"),
            words(nz(args)),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            NetworkMode.HOST);
    assertEquals(words(expected), s.command());
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  @ParameterizedTest(name = "[{index}] {0} + {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        // -e overrides the image's value in place, new keys come last
        "A=1,B=2 | B=3,C=4 | A=1,B=3,C=4",
        // values may contain '='
        "X=a=b   | ''      | X=a=b",
        // empty value is a value
        "A=1     | A=      | A=",
      })
  void envOverridesByKey(String image, String overrides, String expected) {
    RunDefaults d =
        new RunDefaults(
            List.of(), List.of("sh"), split(image), Optional.of("app"), Optional.of("/srv"));
    SandboxSpec s =
        d.toSpec(
            Path.of("/r"),
            List.of(),
            split(overrides),
            Optional.of("0"),
            Optional.empty(),
            NetworkMode.NONE);
    assertEquals(split(expected), s.env());
    assertEquals(Optional.of("0"), s.user(), "--user overrides USER");
    assertEquals(Optional.of("/srv"), s.workdir(), "WORKDIR kept");
    assertEquals(NetworkMode.NONE, s.network());
  }

  private static List<String> split(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }
}
