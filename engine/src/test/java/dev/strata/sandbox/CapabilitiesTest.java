package dev.strata.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.nshelper.NativeProtocol;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** podman's --cap-add/--cap-drop arithmetic over Docker's default set. */
class CapabilitiesTest {
  private static List<String> list(String s) {
    return s == null ? List.of() : Arrays.asList(s.split(" "));
  }

  @ParameterizedTest(name = "add [{0}] drop [{1}]")
  @CsvSource(
      delimiter = '|',
      nullValues = "-",
      value = {
        // add                 | drop           | resulting set (hex)
        "-                     | -              | a80425fb", // docker's default
        "NET_ADMIN             | -              | a80435fb", // bit 12
        "cap_sys_admin         | -              | a82425fb", // any case, CAP_ prefix optional
        "-                     | CHOWN MKNOD    | a00425fa",
        "-                     | ALL            | 0",
        "CHOWN KILL            | ALL            | 21", // ALL dropped: only the adds
        "ALL                   | -              | ffffffffffffffff",
        "ALL                   | SYS_ADMIN      | ffffffffffdfffff",
      })
  void mergesAsPodman(String add, String drop, String hex) {
    assertEquals(
        Long.parseUnsignedLong(hex, 16),
        Capabilities.merge(NativeProtocol.DOCKER_CAPS, list(add), list(drop)));
  }

  @ParameterizedTest
  @CsvSource({"NET_FLY, -", "CHOWN, CHOWN"})
  void refusesUnknownAndContradictoryNames(String add, String drop) {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Capabilities.merge(
                NativeProtocol.DOCKER_CAPS,
                List.of(add),
                drop.equals("-") ? List.of() : List.of(drop)));
  }

  @org.junit.jupiter.api.Test
  void dockersDefaultByName() {
    long caps = 0;
    for (String n :
        List.of(
            "CHOWN",
            "DAC_OVERRIDE",
            "FOWNER",
            "FSETID",
            "KILL",
            "SETGID",
            "SETUID",
            "SETPCAP",
            "NET_BIND_SERVICE",
            "NET_RAW",
            "SYS_CHROOT",
            "MKNOD",
            "AUDIT_WRITE",
            "SETFCAP")) {
      caps |= Capabilities.bit(n);
    }
    assertEquals(NativeProtocol.DOCKER_CAPS, caps);
  }
}
