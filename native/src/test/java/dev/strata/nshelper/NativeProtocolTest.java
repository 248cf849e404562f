package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** NativeProtocol mirrors protocol.h: the same option names in the same order, the same words. */
class NativeProtocolTest {
  private static final Path HEADER = Path.of("src/main/c/protocol.h");

  @Test
  void optionsMatchTheHeader() throws Exception {
    List<String> header = new ArrayList<>();
    Matcher m =
        Pattern.compile("\\[NSH_OPT_\\w+\\] = \"([^\"]+)\"").matcher(Files.readString(HEADER));
    while (m.find()) {
      header.add(m.group(1));
    }
    List<String> java = Arrays.stream(NativeProtocol.Option.values()).map(o -> o.flag).toList();
    assertEquals(header, java);
  }

  @Test
  void mountWordsMatchTheHeader() throws Exception {
    String h = Files.readString(HEADER);
    assertEquals(define(h, "NSH_MOUNT_BIND"), NativeProtocol.MountKind.BIND.word);
    assertEquals(define(h, "NSH_MOUNT_TMPFS"), NativeProtocol.MountKind.TMPFS.word);
    assertEquals(define(h, "NSH_MOUNT_RO"), NativeProtocol.MOUNT_RO);
    assertEquals(define(h, "NSH_MOUNT_RW"), NativeProtocol.MOUNT_RW);
    assertEquals(define(h, "NSH_MOUNT_SIZE"), NativeProtocol.MOUNT_SIZE);
    assertEquals(define(h, "NSH_MOUNT_MODE"), NativeProtocol.MOUNT_MODE);
  }

  @Test
  void capsAndSeccompMatchTheHeader() throws Exception {
    String h = Files.readString(HEADER);
    Matcher m = Pattern.compile("#define NSH_DOCKER_CAPS 0x([0-9a-f]+)ULL").matcher(h);
    assertEquals(true, m.find(), "NSH_DOCKER_CAPS in " + HEADER);
    assertEquals(Long.parseLong(m.group(1), 16), NativeProtocol.DOCKER_CAPS);
    assertEquals(define(h, "NSH_SECCOMP_DEFAULT"), NativeProtocol.SECCOMP_DEFAULT);
    assertEquals(define(h, "NSH_SECCOMP_UNCONFINED"), NativeProtocol.SECCOMP_UNCONFINED);
  }

  private static String define(String header, String name) {
    Matcher m = Pattern.compile("#define " + name + " \"([^\"]*)\"").matcher(header);
    return m.find() ? m.group(1) : "(no #define " + name + " in " + HEADER + ")";
  }
}
