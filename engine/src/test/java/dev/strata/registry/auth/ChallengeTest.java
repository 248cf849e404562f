package dev.strata.registry.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChallengeTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // Docker Hub's challenge
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"|bearer|https://auth.docker.io/token|registry.docker.io|repository:library/busybox:pull",
        // distribution's htpasswd
        "Basic realm=\"strata-test\"|basic|strata-test||",
        // unquoted values, spaces around separators, upper-case names
        "BEARER Realm=https://t/token , Service=svc|bearer|https://t/token|svc|",
        // an escaped quote inside a quoted value
        "Basic realm=\"a \\\"b\\\" c\"|basic|a \"b\" c||",
        // two challenges: Bearer is preferred
        "Basic realm=\"x\", Bearer realm=\"https://t/token\",service=\"s\"|bearer|https://t/token|s|",
        // several scopes in one parameter
        "Bearer realm=\"https://t\",scope=\"repository:a:pull repository:b:pull\"|bearer|https://t||repository:a:pull repository:b:pull",
      })
  void parses(String header, String scheme, String realm, String service, String scope) {
    Challenge c = Challenge.parse(header);
    assertEquals(scheme, c.scheme());
    assertEquals(realm, c.param("realm"));
    assertEquals(service, c.param("service"));
    assertEquals(scope, c.param("scope"));
  }

  @ParameterizedTest
  @CsvSource(value = {"''", "'   '"})
  void emptyIsNull(String header) {
    assertNull(Challenge.parse(header));
  }
}
