package dev.strata.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReferenceTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // input | store name (familiar, :latest added)
        "busybox | busybox:latest",
        "busybox:latest | busybox:latest",
        "busybox:1.36 | busybox:1.36",
        "library/busybox | library/busybox:latest",
        "docker.io/library/busybox:1 | busybox:1",
        "index.docker.io/library/golang:1.19 | golang:1.19",
        "docker.io/foo/bar | foo/bar:latest",
        "localhost/busybox | localhost/busybox:latest",
        "localhost:5000/a/b:c | localhost:5000/a/b:c",
        "127.0.0.1:5000/x | 127.0.0.1:5000/x:latest",
        "quay.io/podman/stable:v4 | quay.io/podman/stable:v4",
        "a/b/c/d | a/b/c/d:latest",
        "my-app_v2.x | my-app_v2.x:latest",
        "registry.example.com/My/x | - ", // upper-case path is refused below, not here
      })
  void canonicalNames(String in, String want) {
    if (want.equals("-")) {
      assertThrows(InvalidReferenceException.class, () -> Reference.parse(in));
      return;
    }
    assertEquals(want, Reference.parse(in).withDefaultTag().familiar());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Busybox",
        "busybox:",
        ":tag",
        "busybox@sha256:12",
        "a//b",
        "-a",
        "a:b:c",
        "busybox:-tag",
        "with space",
        "a/",
        "busybox:"
            + "t123456789t123456789t123456789t123456789"
            + "t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789t123456789x",
      })
  void invalid(String s) {
    InvalidReferenceException e =
        assertThrows(InvalidReferenceException.class, () -> Reference.parse(s));
    assertEquals(true, e.getMessage().startsWith("invalid reference"), e.getMessage());
  }

  @org.junit.jupiter.api.Test
  void digestReference() {
    Reference r =
        Reference.parse(
            "busybox@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertEquals("busybox", r.path());
    assertEquals(null, r.tag());
    assertEquals(r, r.withDefaultTag());
  }
}
