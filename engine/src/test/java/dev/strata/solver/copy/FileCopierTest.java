package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.posix.Posix;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Copies into a rootfs: --parents, --exclude, the empty tree of --link, fetched files' modes. */
class FileCopierTest {
  @TempDir Path tmp;
  Path ctx;
  Path rootfs;
  final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void tree() throws Exception {
    ctx = Files.createDirectory(tmp.resolve("ctx"));
    rootfs = Files.createDirectory(tmp.resolve("rootfs"));
    for (String f : List.of("x/a.txt", "x/y/deep.txt", "y/b.txt", "app/keep.txt", "app/drop.log")) {
      Path p = ctx.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
    Posix.chmod(ctx.resolve("x"), 0750);
    Posix.chmod(ctx.resolve("x/y"), 0700);
  }

  private void copy(
      List<String> sources, List<String> excludes, boolean parents, String dest, Integer chmod)
      throws Exception {
    CopySources src =
        new CopySources(ctx, DockerIgnore.none(), "build context")
            .excluding(DockerIgnore.excludes(excludes));
    new FileCopier(rootfs, warnings::add)
        .copy(
            src,
            src.select(sources, parents),
            dest,
            new FileCopier.Attrs(null, null, chmod, false));
  }

  @Test
  void parentsKeepThePathAndTheSourceDirectoriesModes() throws Exception {
    copy(List.of("./x/y/deep.txt", "./y/b.txt"), List.of(), true, "/dst/", null);
    assertEquals("x/y/deep.txt", Files.readString(rootfs.resolve("dst/x/y/deep.txt")));
    assertEquals("y/b.txt", Files.readString(rootfs.resolve("dst/y/b.txt")));
    // the directories between dest and the file come from the source's (fsutil createParentDirs)
    assertEquals(0750, Posix.lstat(rootfs.resolve("dst/x")).permissions());
    assertEquals(0700, Posix.lstat(rootfs.resolve("dst/x/y")).permissions());
    // dest itself is made as COPY makes missing parents
    assertEquals(0755, Posix.lstat(rootfs.resolve("dst")).permissions());
  }

  @Test
  void parentsWithAPivotKeepOnlyWhatFollowsIt() throws Exception {
    copy(List.of("x/./y/deep.txt"), List.of(), true, "/p", null);
    assertEquals("x/y/deep.txt", Files.readString(rootfs.resolve("p/y/deep.txt")));
    assertFalse(Files.exists(rootfs.resolve("p/x")));
  }

  @Test
  void parentsOfADirectoryCopyItUnderItsName() throws Exception {
    copy(List.of("x"), List.of(), true, "/d/", null);
    assertEquals("x/a.txt", Files.readString(rootfs.resolve("d/x/a.txt")));
    assertEquals("x/y/deep.txt", Files.readString(rootfs.resolve("d/x/y/deep.txt")));
    assertEquals(0750, Posix.lstat(rootfs.resolve("d/x")).permissions());
  }

  @Test
  void excludedFilesAreNotCopied() throws Exception {
    copy(List.of("app"), List.of("*.log"), false, "/app/", null);
    assertTrue(Files.exists(rootfs.resolve("app/keep.txt")));
    assertFalse(Files.exists(rootfs.resolve("app/drop.log"), LinkOption.NOFOLLOW_LINKS));
  }

  /** In the empty tree of --link, dest is what its text says: nothing below can bend it. */
  @ParameterizedTest(name = "COPY y/b.txt {0} -> {1}")
  @CsvSource({
    "/app, app",
    "/app/, app/b.txt",
    "/deep/er/f, deep/er/f",
    "/deep/er/., deep/er/b.txt",
  })
  void destIntoAnEmptyTree(String dest, String file) throws Exception {
    String d = dest.endsWith("/.") ? dest.substring(0, dest.length() - 1) : dest;
    copy(List.of("y/b.txt"), List.of(), false, d, null);
    assertEquals("y/b.txt", Files.readString(rootfs.resolve(file)));
  }

  @Test
  void aLowerSymlinkIsNotFollowedWhenTheTreeIsEmpty() throws Exception {
    // the same COPY into a rootfs whose /lnk is a symlink writes through it (in place)...
    Path withLink = Files.createDirectory(tmp.resolve("withlink"));
    Files.createDirectory(withLink.resolve("real"));
    Files.createSymbolicLink(withLink.resolve("lnk"), Path.of("/real"));
    CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context");
    new FileCopier(withLink, warnings::add)
        .copy(
            src,
            src.select(List.of("y/b.txt")),
            "/lnk/",
            new FileCopier.Attrs(null, null, null, false));
    assertTrue(Files.exists(withLink.resolve("real/b.txt")));
    // ...and into the empty tree (--link) makes a real directory
    copy(List.of("y/b.txt"), List.of(), false, "/lnk/", null);
    assertTrue(Files.isDirectory(rootfs.resolve("lnk"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(rootfs.resolve("lnk/b.txt")));
  }

  @Test
  void aFetchedFileKeepsMode0600AndItsMtimeUnlessChmod() throws Exception {
    Path dl = Files.createDirectory(tmp.resolve("dl"));
    Path f = Files.writeString(dl.resolve("tool.bin"), "bin");
    Posix.chmod(f, 0600);
    Posix.lutimes(f, 1_700_000_000L, 0);
    CopySources one = new CopySources(dl, DockerIgnore.none(), "https://example.com/tool.bin");
    List<CopySources.Selected> sel =
        List.of(new CopySources.Selected("tool.bin", "tool.bin", false));
    FileCopier c = new FileCopier(rootfs, warnings::add);
    c.copy(one, sel, "/opt/", new FileCopier.Attrs(null, null, null, false), 1);
    assertEquals(0600, Posix.lstat(rootfs.resolve("opt/tool.bin")).permissions());
    assertEquals(1_700_000_000L, Posix.lstat(rootfs.resolve("opt/tool.bin")).mtimeSec());
    c.copy(one, sel, "/opt/x", new FileCopier.Attrs(null, null, 0755, false), 1);
    assertEquals(0755, Posix.lstat(rootfs.resolve("opt/x")).permissions());
  }

  @Test
  void moreSourcesInAllMakeDestADirectory() throws Exception {
    CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context");
    // one local source, but a URL beside it in the same ADD: dest is a directory
    new FileCopier(rootfs, warnings::add)
        .copy(
            src,
            src.select(List.of("y/b.txt")),
            "/many",
            new FileCopier.Attrs(null, null, null, false),
            2);
    assertTrue(Files.exists(rootfs.resolve("many/b.txt")));
  }
}
