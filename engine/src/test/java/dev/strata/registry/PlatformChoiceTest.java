package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.ImageIndex;
import dev.strata.oci.Platform;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformChoiceTest {
  private static final String D = "sha256:" + "0".repeat(63);
  // an index as Docker Hub serves for golang: amd64, arm64/v8, arm/v7, and an attestation
  private static final ImageIndex INDEX =
      ImageIndex.parse(
          ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                  + entry(1, "{\"architecture\":\"amd64\",\"os\":\"linux\"}")
                  + ","
                  + entry(2, "{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}")
                  + ","
                  + entry(3, "{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}")
                  + ","
                  + entry(4, "{\"architecture\":\"unknown\",\"os\":\"unknown\"}")
                  + "]}")
              .getBytes(StandardCharsets.UTF_8));

  private static String entry(int n, String platform) {
    return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\""
        + D
        + n
        + "\",\"size\":1,\"platform\":"
        + platform
        + "}";
  }

  @ParameterizedTest
  @CsvSource({
    "linux/amd64, 1",
    "linux/arm64/v8, 2",
    // no variant asked: the first arm64
    "linux/arm64, 2",
    "linux/arm/v7, 3",
  })
  void chooses(String want, int n) {
    assertEquals(
        D + n,
        ImagePuller.choose(RemoteImage.parse("golang"), INDEX, Platform.parse(want))
            .digest()
            .toString());
  }

  @ParameterizedTest
  @CsvSource({"linux/s390x", "windows/amd64", "linux/arm/v6"})
  void refusesNamingWhatThereIs(String want) {
    RegistryException e =
        assertThrows(
            RegistryException.class,
            () -> ImagePuller.choose(RemoteImage.parse("golang"), INDEX, Platform.parse(want)));
    assertTrue(
        e.getMessage().contains("no image for " + want)
            && e.getMessage().contains("linux/arm64/v8"),
        e.getMessage());
  }
}
