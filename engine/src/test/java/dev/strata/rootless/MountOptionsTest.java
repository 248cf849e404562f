package dev.strata.rootless;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MountOptionsTest {
  private static final List<String> MOUNTINFO =
      List.of(
          "21 1 0:20 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u",
          "30 21 0:25 / /var/lib/strata rw,nosuid,nodev,relatime - tmpfs tmpfs rw",
          "31 21 0:26 / /var/lib/strata\\040two rw,relatime - ext4 /dev/sda1 rw",
          "32 30 0:27 / /var/lib/strata/cache rw,relatime - ext4 /dev/sdb1 rw",
          "33 21 0:28 / /srv rw,nodev - tmpfs tmpfs rw",
          "34 21 0:29 / /srv rw,relatime - ext4 /dev/sdc1 rw");

  @Test
  void theLongestMountPointHoldingThePathWins() {
    assertEquals(
        Optional.of(Set.of("rw", "nosuid", "nodev", "relatime")),
        MountOptions.of(Path.of("/var/lib/strata/overlay/x"), MOUNTINFO));
    assertEquals(
        Optional.of(Set.of("rw", "relatime")),
        MountOptions.of(Path.of("/var/lib/strata/cache/y"), MOUNTINFO));
    assertEquals(
        Optional.of(Set.of("rw", "relatime")), MountOptions.of(Path.of("/home/u"), MOUNTINFO));
  }

  @Test
  void aMountPointIsMatchedByNameNotByPrefixOfText() {
    // "/var/lib/strataX" is not under "/var/lib/strata"
    assertEquals(
        Optional.of(Set.of("rw", "relatime")),
        MountOptions.of(Path.of("/var/lib/strataX"), MOUNTINFO));
  }

  @Test
  void escapedSpacesAreUnescapedAndTheTopMountOfAPointWins() {
    assertEquals(
        Optional.of(Set.of("rw", "relatime")),
        MountOptions.of(Path.of("/var/lib/strata two/z"), MOUNTINFO));
    assertEquals(
        Optional.of(Set.of("rw", "relatime")), MountOptions.of(Path.of("/srv/a"), MOUNTINFO));
  }

  @Test
  void thisProcessesRootIsFound() throws Exception {
    assertEquals(true, MountOptions.of(Path.of("/")).isPresent());
  }
}
