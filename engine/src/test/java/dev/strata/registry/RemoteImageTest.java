package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RemoteImageTest {
  @ParameterizedTest
  @CsvSource({
    // short names are Docker Hub's library images
    "busybox, docker.io, library/busybox, latest, busybox:latest",
    "user/app:1, docker.io, user/app, 1, user/app:1",
    "docker.io/library/golang:1.22, docker.io, library/golang, 1.22, golang:1.22",
    "index.docker.io/library/golang, docker.io, library/golang, latest, golang:latest",
    "127.0.0.1:5000/team/app:v2, 127.0.0.1:5000, team/app, v2, 127.0.0.1:5000/team/app:v2",
    "localhost/app, localhost, app, latest, localhost/app:latest",
  })
  void normalises(String ref, String registry, String repo, String tag, String familiar) {
    RemoteImage r = RemoteImage.parse(ref);
    assertEquals(registry, r.registry());
    assertEquals(repo, r.repository());
    assertEquals(tag, r.tag());
    assertEquals(familiar, r.familiar());
  }
}
