package dev.strata.cli;

import static dev.strata.cli.StrataProcess.strata;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.posix.Posix;
import dev.strata.validate.ImageValidator;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Untrusted contexts, stages and images cannot reach the builder's files: symlinks in the middle of
 * a source path (to /etc, to "..", to the context itself, to absolute host paths), links a stage's
 * RUN or an imported image made, .dockerignore'd files reached through links, and FIFOs and sockets
 * in the context. Canary files with random contents lie beside the context and in the user's home;
 * every build's image is exported (rootfs and OCI layers) and searched for them. Each refused case
 * fails with "not found", as BuildKit (which resolves every source inside its root, FollowSymlinks)
 * does; a link inside a copied directory is copied as a link.
 */
class HostileContextIT {
  @TempDir Path dir;
  private Path outside;
  private Path homeCanary;
  private String canary;
  private String hostPasswdLine;

  @BeforeEach
  void canaries() throws Exception {
    canary =
        "CANARY-" + HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(16));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("canary"), canary);
    Files.writeString(dir.resolve("beside.txt"), canary);
    Path home = Path.of(System.getProperty("user.home"));
    homeCanary =
        home.resolve(
            ".strata-canary-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(6)));
    Files.writeString(homeCanary, canary);
    // the host's own /etc/passwd line for this user: never in an image
    String user = System.getProperty("user.name");
    hostPasswdLine =
        Files.readAllLines(Path.of("/etc/passwd")).stream()
            .filter(l -> l.startsWith(user + ":"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no /etc/passwd line for " + user));
  }

  @AfterEach
  void cleanUp() throws Exception {
    Files.deleteIfExists(homeCanary);
    StrataProcess.removeContents(dir);
  }

  private Path store() throws Exception {
    return StrataProcess.busyboxStore(dir);
  }

  /** A context holding every hostile link, an ignored file and directory, a FIFO and a socket. */
  private Path hostileContext(String dockerfile) throws Exception {
    Path ctx =
        StrataProcess.context(
            dir,
            dockerfile,
            Map.of(
                ".dockerignore",
                "secret.txt\nign\n",
                "secret.txt",
                canary,
                "ign/inner",
                canary,
                "app/main.txt",
                "main",
                "etc/hosts.txt",
                "ctx-etc"));
    Files.createSymbolicLink(ctx.resolve("etcl"), Path.of("/etc"));
    Files.createSymbolicLink(ctx.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(ctx.resolve("self"), Path.of("."));
    Files.createSymbolicLink(ctx.resolve("abs"), outside.resolve("canary"));
    Files.createSymbolicLink(ctx.resolve("hostdir"), outside);
    Files.createSymbolicLink(ctx.resolve("homel"), homeCanary.getParent());
    Files.createSymbolicLink(ctx.resolve("toSecret"), Path.of("secret.txt"));
    Files.createSymbolicLink(ctx.resolve("toIgn"), Path.of("ign"));
    Files.createSymbolicLink(ctx.resolve("app/up2"), Path.of("../.."));
    return ctx;
  }

  /** Builds with the image exported as a rootfs and an OCI layout; returns the result. */
  private StrataProcess.Result build(Path store, Path ctx, String tag) throws Exception {
    Path out = dir.resolve("out-" + tag);
    Path oci = dir.resolve("oci-" + tag);
    return strata(
        store,
        "build",
        "-t",
        tag,
        "--compression",
        "gzip",
        "-o",
        "type=local,dest=" + out,
        "-o",
        "type=oci,dest=" + oci,
        ctx.toString());
  }

  /** Nothing of the host's in the exported rootfs or in any OCI blob (gzip layers unpacked). */
  private void assertNoHostBytes(String tag) throws Exception {
    List<Path> files = new ArrayList<>();
    for (Path root : List.of(dir.resolve("out-" + tag), dir.resolve("oci-" + tag))) {
      assertTrue(Files.isDirectory(root), root + " was not exported");
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
      }
    }
    assertTrue(files.size() > 10, "too few files exported: " + files);
    for (Path f : files) {
      byte[] b;
      try (InputStream in = Files.newInputStream(f)) {
        b = in.readAllBytes();
      } catch (java.nio.file.AccessDeniedException e) {
        fail("cannot read exported " + f + " to search it for the canary");
        return;
      }
      if (b.length > 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(b))) {
          b = in.readAllBytes();
        }
      }
      String text = new String(b, StandardCharsets.ISO_8859_1);
      assertFalse(text.contains(canary), "the canary from outside is in " + f);
      assertFalse(text.contains(hostPasswdLine), "the host's /etc/passwd is in " + f);
    }
    ImageValidator.assertValidLayout(dir.resolve("oci-" + tag));
  }

  @Test
  void linksInAContextAreResolvedInsideItAndCopiedAsLinks() throws Exception {
    Path s = store();
    // "self" and "up" (-> ..) are the context itself: .dockerignore still holds through them
    Path ctx =
        hostileContext(
            "FROM busybox\nCOPY . /ctx/\nCOPY self /self/\nCOPY up /up/\n"
                + "COPY app/up2/app/main.txt self/etc/hosts.txt /two/\nCOPY etcl /etcl/\n");
    build(s, ctx, "ctx").ok();
    Path out = dir.resolve("out-ctx");
    assertEquals(
        "/etc",
        Files.readSymbolicLink(out.resolve("ctx/etcl")).toString(),
        "a link inside a copied directory is copied as a link");
    assertEquals(outside.resolve("canary"), Files.readSymbolicLink(out.resolve("ctx/abs")));
    for (String d : List.of("ctx", "self", "up")) {
      assertFalse(Files.exists(out.resolve(d + "/secret.txt"), LinkOption.NOFOLLOW_LINKS), d);
      assertFalse(Files.exists(out.resolve(d + "/ign"), LinkOption.NOFOLLOW_LINKS), d);
      assertEquals("main", Files.readString(out.resolve(d + "/app/main.txt")), d);
    }
    // a source's last link is followed inside the context (BuildKit's FollowSymlinks)
    assertEquals("main", Files.readString(out.resolve("two/main.txt")));
    assertEquals("ctx-etc", Files.readString(out.resolve("two/hosts.txt")));
    assertEquals(
        "ctx-etc",
        Files.readString(out.resolve("etcl/hosts.txt")),
        "etcl -> /etc is the context's etc/, not the host's");
    assertNoHostBytes("ctx");
  }

  @Test
  void aPathThroughALinkToTheHostOrToAnIgnoredFileIsNotFound() throws Exception {
    Path s = store();
    String[] sources = {
      "etcl/passwd", // the host's /etc/passwd through a mid-path link
      "up/beside.txt", // beside the context, through ..
      "up/up/up/beside.txt",
      "abs", // an absolute link to the canary
      "hostdir/canary",
      "homel/" + homeCanary.getFileName(),
      "toSecret", // a link to an ignored file
      "self/secret.txt",
      "toIgn/inner", // through a link to an ignored directory
    };
    for (String src : sources) {
      Path ctx = hostileContext("FROM busybox\nCOPY " + src + " /x\n");
      StrataProcess.Result r = strata(s, "build", ctx.toString());
      assertNotEquals(0, r.exit(), "COPY " + src + " succeeded:\n" + r.out() + r.err());
      assertTrue(
          r.err().contains("not found") || r.err().contains("matches nothing"),
          "COPY " + src + ": " + r.err());
      assertFalse((r.out() + r.err()).contains(canary), "COPY " + src + " showed the canary");
    }
    // a glob lists the context's etc/ (hosts.txt only), never the host's, and an ignored
    // directory is empty: they match nothing, which copies nothing (BuildKit's
    // AllowEmptyWildcard), so the RUN after the COPY finds no /x
    for (String glob : List.of("etcl/pass*", "toIgn/*")) {
      Path ctx = hostileContext("FROM busybox\nCOPY " + glob + " /x\nRUN test ! -e /x\n");
      StrataProcess.Result r = strata(s, "build", ctx.toString());
      assertEquals(0, r.exit(), "COPY " + glob + " copied something:\n" + r.out() + r.err());
      assertFalse((r.out() + r.err()).contains(canary), "COPY " + glob + " showed the canary");
    }
    // the same through a RUN bind mount of the context
    Path ctx =
        hostileContext("FROM busybox\nRUN --mount=type=bind,source=etcl/passwd,target=/m cat /m\n");
    StrataProcess.Result r = strata(s, "build", ctx.toString());
    assertNotEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("not found in the build context"), r.err());
  }

  @Test
  void aDockerfileOrIgnoreFileLinkedOutOfTheContextIsNotRead() throws Exception {
    Path s = store();
    Path ctx = StrataProcess.context(dir, "unused", Map.of());
    Files.delete(ctx.resolve("Dockerfile"));
    Files.createSymbolicLink(ctx.resolve("Dockerfile"), homeCanary);
    StrataProcess.Result r = strata(s, "build", ctx.toString());
    assertNotEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("not found in the build context"), r.err());
    assertFalse((r.out() + r.err()).contains(canary), "the Dockerfile link showed the canary");
    // a FIFO as the Dockerfile is refused, not waited on
    Files.delete(ctx.resolve("Dockerfile"));
    Posix.mkfifo(ctx.resolve("Dockerfile"), 0644);
    r = strata(s, "build", ctx.toString());
    assertNotEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("not a regular file"), r.err());
  }

  @Test
  void fifosAndSocketsAreSkippedWithAWarningNamingThem() throws Exception {
    Path s = store();
    Path ctx =
        hostileContext(
            "FROM busybox\nCOPY . /ctx/\nADD fifo /f\nCOPY sock* /s/\n"
                + "RUN --mount=type=bind,target=/c ls /c\n");
    Posix.mkfifo(ctx.resolve("fifo"), 0644);
    try (ServerSocketChannel sock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      sock.bind(UnixDomainSocketAddress.of(ctx.resolve("sock")));
      StrataProcess.Result r = build(s, ctx, "fifo").ok();
      String all = r.out() + r.err();
      assertTrue(all.contains("skipped fifo") && all.contains("a FIFO"), all);
      assertTrue(all.contains("skipped sock") && all.contains("a socket"), all);
    }
    Path out = dir.resolve("out-fifo");
    assertFalse(Files.exists(out.resolve("ctx/fifo"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(out.resolve("ctx/sock"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(out.resolve("f"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("main", Files.readString(out.resolve("ctx/app/main.txt")));
    assertNoHostBytes("fifo");
    // with no .dockerignore the context itself is bound: a FIFO as a rw source is made anew
    Path plain =
        StrataProcess.context(
            dir,
            "FROM busybox\nRUN --mount=type=bind,source=fifo,target=/m,rw test -p /m\n",
            Map.of());
    Posix.mkfifo(plain.resolve("fifo"), 0644);
    strata(s, "build", plain.toString()).ok();
  }

  @Test
  void linksAStageMadeAreResolvedInsideItsRootfs() throws Exception {
    Path s = store();
    Path home = homeCanary.getParent();
    String stage =
        "FROM busybox AS evil\nRUN ln -s /etc /e && mkdir -p /opt && ln -s "
            + home
            + " /opt/app && ln -s "
            + outside
            + " /out && ln -s ../../.. /up\n";
    // innocent-looking: the stage's own /etc, the root through /up
    Path ctx =
        StrataProcess.context(
            dir,
            stage
                + "FROM busybox\nCOPY --from=evil /e/passwd /p\n"
                + "COPY --from=evil /up/etc/group /g\nCOPY --from=evil /opt /opt/\n",
            Map.of());
    build(s, ctx, "stage").ok();
    Path out = dir.resolve("out-stage");
    assertTrue(Files.readString(out.resolve("p")).startsWith("root:"), "busybox's own passwd");
    assertEquals(home, Files.readSymbolicLink(out.resolve("opt/app")), "copied as a link");
    assertNoHostBytes("stage");
    for (String src : List.of("/opt/app/" + homeCanary.getFileName(), "/out/canary", "/opt/app")) {
      Path bad =
          StrataProcess.context(
              dir, stage + "FROM busybox\nCOPY --from=evil " + src + " /x\n", Map.of());
      StrataProcess.Result r = strata(s, "build", bad.toString());
      assertNotEquals(0, r.exit(), "COPY --from=evil " + src + " succeeded");
      assertTrue(r.err().contains("not found in the stage evil"), r.err());
    }
    Path mount =
        StrataProcess.context(
            dir,
            stage
                + "FROM busybox\nRUN --mount=type=bind,from=evil,source=/out,target=/m cat /m/canary\n",
            Map.of());
    StrataProcess.Result r = strata(s, "build", mount.toString());
    assertNotEquals(0, r.exit(), r.out() + r.err());
    assertFalse((r.out() + r.err()).contains(canary));
  }

  @Test
  void linksAnImportedImageHoldsAreResolvedInsideItsRootfs() throws Exception {
    Path s = store();
    Path home = homeCanary.getParent();
    Path rootfs = Files.createDirectory(dir.resolve("evilroot"));
    Files.createDirectories(rootfs.resolve("opt"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/os-release"), "ID=evil\n");
    Files.createSymbolicLink(rootfs.resolve("e"), Path.of("/etc"));
    Files.createSymbolicLink(rootfs.resolve("opt/app"), home);
    Files.createSymbolicLink(rootfs.resolve("out"), outside);
    Files.createSymbolicLink(rootfs.resolve("canary"), outside.resolve("canary"));
    Files.createSymbolicLink(rootfs.resolve("up"), Path.of("../../../.."));
    StrataProcess.requireTool("tar", "tar");
    Path tar = dir.resolve("evil.tar");
    StrataProcess.run("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".").ok();
    strata(s, "import", tar.toString(), "vendor/app").ok();
    Path ctx =
        StrataProcess.context(
            dir,
            "FROM busybox\nCOPY --from=vendor/app / /all/\n"
                + "COPY --from=vendor/app /e/os-release /up/etc/os-release /x/\n",
            Map.of());
    build(s, ctx, "image").ok();
    Path out = dir.resolve("out-image");
    assertEquals(home, Files.readSymbolicLink(out.resolve("all/opt/app")));
    assertEquals(outside.resolve("canary"), Files.readSymbolicLink(out.resolve("all/canary")));
    assertEquals("ID=evil\n", Files.readString(out.resolve("x/os-release")));
    assertNoHostBytes("image");
    for (String src :
        List.of("/opt/app/", "/out/canary", "/canary", "/e/passwd", "/up/../../etc/passwd")) {
      Path bad =
          StrataProcess.context(
              dir, "FROM busybox\nCOPY --from=vendor/app " + src + " /x\n", Map.of());
      StrataProcess.Result r = strata(s, "build", bad.toString());
      assertNotEquals(0, r.exit(), "COPY --from=vendor/app " + src + " succeeded");
      assertTrue(r.err().contains("not found") || r.err().contains("outside"), r.err());
      assertFalse((r.out() + r.err()).contains(canary));
    }
    Path mount =
        StrataProcess.context(
            dir,
            "FROM busybox\nRUN --mount=type=bind,from=vendor/app,source=/opt/app,target=/m ls /m\n",
            Map.of());
    StrataProcess.Result r = strata(s, "build", mount.toString());
    assertNotEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("not found in from=vendor/app"), r.err());
  }
}
