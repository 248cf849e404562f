package dev.strata.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageLocationTest {
  @ParameterizedTest
  @CsvSource({
    "docker://busybox, docker://docker.io/library/busybox:latest",
    "busybox:1.36, docker://docker.io/library/busybox:1.36",
    "127.0.0.1:5000/a/b:c, docker://127.0.0.1:5000/a/b:c",
    "localhost:5000/app, docker://localhost:5000/app:latest",
    "oci:/tmp/layout:v1, oci:/tmp/layout:v1",
    "oci:/tmp/layout, oci:/tmp/layout",
    "oci:relative/dir:tag, oci:relative/dir:tag",
    "oci-archive:/tmp/a.tar, oci-archive:/tmp/a.tar",
    "docker-archive:b.tar, docker-archive:b.tar",
  })
  void parses(String in, String shown) {
    assertEquals(shown, ImageLocation.parse(in).toString());
  }

  @Test
  void ociLayoutParts() {
    ImageLocation.OciLayout l = (ImageLocation.OciLayout) ImageLocation.parse("oci:/a/b:latest");
    assertEquals(Path.of("/a/b"), l.dir());
    assertEquals("latest", l.tag());
  }

  @ParameterizedTest
  @CsvSource({
    "'', empty",
    "ftp:/x, unknown transport",
    "oci:, names no path",
    "Busybox, invalid reference"
  })
  void refuses(String in, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ImageLocation.parse(in));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }
}
