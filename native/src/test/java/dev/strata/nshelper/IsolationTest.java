package dev.strata.nshelper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.nshelper.IdMapping.Mode;
import dev.strata.nshelper.Isolation.Probe;
import dev.strata.nshelper.Isolation.Rung;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ladder's choice (a table), its progress words (golden), and the helper's probe for real. */
class IsolationTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "[{index}] request={0} uid={1} userns={2} -> {3}")
  @CsvSource(
      nullValues = "-",
      value = {
        // auto: the user namespace wherever one can be made, root or not
        "-,      1000, yes, USERNS",
        "-,      0,    yes, USERNS",
        // auto as root without one (Docker's default seccomp): chroot
        "-,      0,    no,  CHROOT",
        // forced
        "chroot, 0,    yes, CHROOT",
        "userns, 1000, yes, USERNS",
      })
  void chooses(String request, long uid, String userns, Rung expected) {
    assertEquals(expected, Isolation.choose(request(request), uid, probe(userns)));
  }

  @ParameterizedTest(name = "[{index}] request={0} uid={1} userns={2}")
  @CsvSource(
      nullValues = "-",
      value = {
        // no rung: not root and no user namespace
        "-,      1000, no,  no isolation works here, hostUsers: false",
        // chroot needs root
        "chroot, 1000, yes, --isolation chroot needs root, use --isolation userns",
        "chroot, 1000, no,  --isolation chroot needs root, seccomp=unconfined",
        // userns where none can be made
        "userns, 0,    no,  cannot create a user namespace, --isolation chroot",
        "userns, 1000, no,  cannot create a user namespace, unprivileged_userns_clone",
      })
  void refuses(String request, long uid, String userns, String says, String knob) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Isolation.choose(request(request), uid, probe(userns)));
    assertTrue(e.getMessage().contains(says), e.getMessage());
    assertTrue(e.getMessage().contains(knob), e.getMessage());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "userns|mount,pid,ipc,uts|fresh|yes|SUBIDS|true|-1|userns (subordinate ids)",
        "userns|mount,pid,ipc,uts|bind|no|SINGLE|true|-1|userns (single-id mapping; /proc bound from the"
            + " host; hostname not set)",
        "userns|mount,pid,ipc,uts|fresh|yes|IDENTITY|true|-1|userns (identity mapping)",
        "userns|mount,pid,ipc,uts|fresh|yes|IDENTITY|false|-1|userns (root with CAP_SYS_ADMIN: no user"
            + " namespace needed)",
        "userns|mount,pid,ipc,uts|bind|yes|IDENTITY|false|-1|userns (root with CAP_SYS_ADMIN: no user"
            + " namespace needed; /proc bound from the host)",
        "chroot|mount,pid,ipc,uts|fresh|yes|IDENTITY|false|-1|chroot (no user namespace; the container is"
            + " the boundary)",
        "chroot|''|none|no|IDENTITY|false|-1|chroot (no user namespace; the container is the boundary; no"
            + " mount, pid, ipc, uts namespaces; /dev nodes made by mknod; no /proc; hostname not set)",
        "chroot|ipc|none|no|IDENTITY|false|-1|chroot (no user namespace; the container is the boundary; no"
            + " mount, pid, uts namespaces; /dev nodes made by mknod; no /proc; hostname not set)",
        // root with CAP_SYS_ADMIN where the container lacks some of Docker's set (podman's
        // defaults)
        "userns|mount,pid,ipc,uts|fresh|yes|IDENTITY|false|1ffd7ffdfff|userns (root with CAP_SYS_ADMIN: no"
            + " user namespace needed; the container lacks CAP_NET_RAW, CAP_MKNOD, CAP_AUDIT_WRITE)",
      })
  void describes(
      String rung,
      String namespaces,
      String proc,
      String hostname,
      Mode mapping,
      boolean userns,
      String bound,
      String words) {
    Probe p =
        Probe.parse(
            "userns=yes namespaces=" + namespaces + " proc=" + proc + " hostname=" + hostname);
    long b = bound.equals("-1") ? -1L : Long.parseUnsignedLong(bound, 16);
    Isolation i =
        new Isolation(
            Rung.valueOf(rung.toUpperCase()),
            p.namespaces(),
            p.proc(),
            p.hostname(),
            mapping,
            userns,
            b);
    assertEquals(words, i.describe());
  }

  /**
   * The userns rung's user namespace, from the probe outside any (issue 19): root that could make
   * every namespace and a /proc itself (CAP_SYS_ADMIN: a privileged container, --cap-add SYS_ADMIN,
   * root on a host) needs none with the identity mapping; everyone else does.
   */
  @ParameterizedTest(name = "[{index}] uid={0} {1} namespaces={2} proc={3} -> {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        // root with CAP_SYS_ADMIN (privileged, --cap-add SYS_ADMIN, a host): none needed
        "0|IDENTITY|mount,pid,ipc,uts|fresh|false",
        "0|IDENTITY|mount,pid,ipc,uts|bind|false",
        // root without CAP_SYS_ADMIN (podman's defaults): no namespace of its own, so a user
        // namespace
        "0|IDENTITY|''|none|true",
        // a namespace or /proc missing: the user namespace gives them
        "0|IDENTITY|mount,ipc,uts|fresh|true",
        "0|IDENTITY|mount,pid,ipc,uts|none|true",
        // root asking for another mapping (--id-mapping single|subids, STRATA_ROOTLESS=1)
        "0|SINGLE|mount,pid,ipc,uts|fresh|true",
        "0|SUBIDS|mount,pid,ipc,uts|fresh|true",
        // not root: always
        "1000|SINGLE|''|none|true",
        "1000|SUBIDS|mount,pid,ipc,uts|fresh|true",
      })
  void userNamespaceNeeded(long uid, Mode mapping, String namespaces, String proc, boolean needed) {
    Probe outside =
        Probe.parse("userns=yes namespaces=" + namespaces + " proc=" + proc + " hostname=yes");
    assertEquals(needed, Isolation.userNamespaceNeeded(uid, mapping, outside));
  }

  /** The real probe outside any namespace, as this (unprivileged) user: no mounts, no hostname. */
  @Test
  void probeOutsideTheNamespace() throws Exception {
    Probe p = Isolation.probe(HelperBinary.in(dir), Rung.USERNS);
    if (UserNamespace.callerIds()[0] != 0) {
      assertEquals(List.of(), p.namespaces(), p.toString());
      assertEquals(NativeProtocol.PROC_NONE, p.proc(), p.toString());
      assertEquals(false, p.hostname(), p.toString());
    }
    assertTrue(p.userns(), "this machine allows user namespaces: " + p);
  }

  /** Inside the user namespace every namespace, a fresh /proc and a hostname are allowed here. */
  @Test
  void probeInsideTheNamespace() throws Exception {
    HelperBinary helper = HelperBinary.in(dir);
    ProcessBuilder pb =
        new ProcessBuilder(
                UserNamespace.enterCommand(
                    helper,
                    UserNamespace.mappingFor(Optional.empty()),
                    List.of(helper.path().toString(), "probe")))
            .redirectErrorStream(true);
    Process proc = pb.start();
    String out = new String(proc.getInputStream().readAllBytes()).trim();
    assertEquals(0, proc.waitFor(), out);
    assertEquals("userns=yes namespaces=mount,pid,ipc,uts proc=fresh hostname=yes", out);
  }

  private static Optional<Rung> request(String word) {
    return word == null ? Optional.empty() : Optional.of(Rung.valueOf(word.toUpperCase()));
  }

  private static Probe probe(String userns) {
    return Probe.parse("userns=" + userns + " namespaces= proc=none hostname=no");
  }
}
