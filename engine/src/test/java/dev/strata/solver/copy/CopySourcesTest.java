package dev.strata.solver.copy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.solver.BuildException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Selection with --exclude and --parents: what a COPY would place below its destination. */
class CopySourcesTest {
  @TempDir Path ctx;

  @BeforeEach
  void tree() throws Exception {
    for (String f :
        List.of(
            "a.txt",
            "b.md",
            "hom1.txt",
            "hom2.md",
            "dir/x.txt",
            "dir/y.go",
            "dir/sub/z.txt",
            "x/a.txt",
            "y/b.txt",
            "x/y/deep.txt",
            "logs/app.log",
            "logs/keep.log")) {
      Path p = ctx.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f);
    }
  }

  /** The paths below dest that the selection gives, sorted, joined by spaces. */
  private String below(String sources, String excludes, boolean parents) throws Exception {
    CopySources src =
        new CopySources(ctx, DockerIgnore.none(), "build context")
            .excluding(DockerIgnore.excludes(split(excludes)));
    List<String> out = new ArrayList<>();
    for (CopySources.Selected s : src.select(split(sources), parents)) {
      String base = s.keep() != null ? s.keep() : s.isDir() ? "" : s.name();
      for (CopySources.Entry f : src.walk(s)) {
        String p = f.rel().isEmpty() ? base : base.isEmpty() ? f.rel() : base + "/" + f.rel();
        out.add(p);
      }
    }
    out.sort(null);
    return String.join(" ", out);
  }

  private static List<String> split(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.strip().split(" +"));
  }

  @ParameterizedTest(name = "COPY {2} --exclude=[{1}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a directory source: its contents, nothing excluded
        "dir | | false | sub sub/z.txt x.txt y.go",
        // * does not cross '/': only the top level .txt
        "dir | *.txt | false | sub sub/z.txt y.go",
        // ** does
        "dir | **/*.txt | false | sub y.go",
        // a directory pattern covers what is under it
        "dir | sub | false | x.txt y.go",
        // an exception re-includes
        "dir | * !y.go | false | y.go",
        // a leading / or ./ means the same path (as in .dockerignore)
        "dir | /sub ./x.txt | false | y.go",
        // file sources from a glob are matched by name (Docker's documented example)
        "hom* | *.txt | false | hom2.md",
        "a.txt b.md | a.txt | false | b.md",
        // excluded inside a directory source, kept elsewhere: matched below dest, not in the
        // context
        "logs | app.log | false | keep.log",
        // --parents keeps the path from the context root
        "x/a.txt y/b.txt | | true | x/a.txt y/b.txt",
        "./x/a.txt ./y/b.txt | | true | x/a.txt y/b.txt",
        // ... or from the /./ pivot
        "./x/./y/deep.txt | | true | y/deep.txt",
        "x/./y | | true | y/deep.txt",
        // a directory keeps its own name (FileCopier makes it) and its contents
        "x | | true | x/a.txt x/y x/y/deep.txt",
        // globs per segment
        "*/a.txt | | true | x/a.txt",
        // with --parents an exclude matches the kept path
        "x | x/y | true | x/a.txt",
        "x | y | true | x/a.txt x/y x/y/deep.txt",
        "x/a.txt y/b.txt | y | true | x/a.txt",
      })
  void selection(String sources, String excludes, boolean parents, String expected)
      throws Exception {
    assertEquals(
        expected,
        below(sources, excludes == null ? "" : excludes, parents),
        "sources " + sources + ", excludes " + excludes);
  }

  @Test
  void excludedFilesAreNotInTheContentHash() throws Exception {
    CopySources src =
        new CopySources(ctx, DockerIgnore.none(), "build context")
            .excluding(DockerIgnore.excludes(List.of("*.log")));
    String before = src.contentHash(src.select(List.of("logs", "a.txt")), false);
    Files.writeString(ctx.resolve("logs/app.log"), "changed");
    assertEquals(before, src.contentHash(src.select(List.of("logs", "a.txt")), false));
    Files.writeString(ctx.resolve("a.txt"), "changed");
    assertNotEquals(before, src.contentHash(src.select(List.of("logs", "a.txt")), false));
  }

  @Test
  void parentsChangeTheContentHash() throws Exception {
    CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context");
    assertNotEquals(
        src.contentHash(src.select(List.of("x/./y"), true), false),
        src.contentHash(src.select(List.of("x/y"), true), false),
        "the kept path is part of what is copied");
  }

  @Test
  void dockerignoreStillApplies() throws Exception {
    CopySources src =
        new CopySources(ctx, DockerIgnore.parse("dir/sub\n"), "build context")
            .excluding(DockerIgnore.excludes(List.of("y.go")));
    List<String> got = new ArrayList<>();
    for (CopySources.Selected s : src.select(List.of("dir"))) {
      src.walk(s).forEach(f -> got.add(f.rel()));
    }
    assertEquals(List.of("x.txt"), got);
  }

  @Test
  void aParentsPivotCannotEscape() {
    CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context");
    BuildException e =
        assertThrows(BuildException.class, () -> src.select(List.of("x/./../../etc"), true));
    assertTrue(e.getMessage().contains("outside the build context"), e.getMessage());
  }

  @Test
  void aSourceWhoseMatchesAreAllExcludedCopiesNothingWithoutError() throws Exception {
    assertEquals("", below("hom1.txt", "hom*", false));
  }

  @Test
  void issue18_aWildcardMatchingNothingIsSkipped_anIgnoredDirectoryKeepsItsReincludes()
      throws Exception {
    // row G: BuildKit's AllowEmptyWildcard; a plain missing path is still an error
    assertEquals("a.txt", below("nothing* a.txt", "", false));
    assertEquals("", below("nothing*", "", false));
    assertThrows(BuildException.class, () -> below("nothing a.txt", "", false));
    // row I: ** then !dir/x.txt: COPY dir finds dir, holding only x.txt
    try (CopySources src =
        new CopySources(ctx, DockerIgnore.parse("**\n!dir/x.txt\n"), "build context")) {
      assertEquals(List.of("x.txt@dir/x.txt"), walked(src, "dir"));
      assertThrows(BuildException.class, () -> src.select(List.of("logs")));
    }
  }

  /** Walked entries of {@code patterns}, as "rel@resolved", for the hostile cases below. */
  private static List<String> walked(CopySources src, String... patterns) throws Exception {
    List<String> got = new ArrayList<>();
    for (CopySources.Selected s : src.select(List.of(patterns))) {
      src.walk(s).forEach(f -> got.add(f.rel() + "@" + f.path()));
    }
    return got;
  }

  @Test
  void linksInTheMiddleOfASourceStayInsideTheContext() throws Exception {
    Files.createSymbolicLink(ctx.resolve("etcl"), Path.of("/etc"));
    Files.createSymbolicLink(ctx.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(ctx.resolve("self"), Path.of("."));
    Files.createSymbolicLink(ctx.resolve("toA"), Path.of("/a.txt"));
    try (CopySources src =
        new CopySources(ctx, DockerIgnore.parse("dir/sub\nb.md\n"), "build context")) {
      for (String bad :
          List.of("etcl/passwd", "up/../etc/passwd", "self/b.md", "up/dir/sub/z.txt")) {
        BuildException e = assertThrows(BuildException.class, () -> src.select(List.of(bad)), bad);
        assertTrue(
            e.getMessage().contains("not found in the build context")
                || e.getMessage().contains("outside the build context"),
            e.getMessage());
      }
      // the root through links: .dockerignore holds on the resolved paths
      assertEquals(List.of("x.txt@dir/x.txt", "y.go@dir/y.go"), walked(src, "self/up/dir"));
      // a source's last link is followed inside the context (BuildKit's FollowSymlinks)
      assertEquals(List.of("@a.txt"), walked(src, "toA"));
      assertEquals("toA", src.select(List.of("toA")).get(0).name());
    }
  }

  @Test
  void aLinkLoopIsAnErrorNamingTheSource() throws Exception {
    Files.createSymbolicLink(ctx.resolve("loop1"), Path.of("loop2"));
    Files.createSymbolicLink(ctx.resolve("loop2"), Path.of("/loop1"));
    try (CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context")) {
      BuildException e = assertThrows(BuildException.class, () -> src.select(List.of("loop1/x")));
      assertEquals(
          "\"loop1/x\": too many levels of symbolic links in the build context", e.getMessage());
      // inside a directory source a loop is only a link, copied as it is
      assertTrue(walked(src, ".").contains("loop1@loop1"));
    }
  }

  @Test
  void theHashReadsWhatALinkResolvesTo() throws Exception {
    Files.createSymbolicLink(ctx.resolve("toA"), Path.of("a.txt"));
    try (CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context")) {
      String before = src.contentHash(src.select(List.of("toA")), false);
      Files.writeString(ctx.resolve("a.txt"), "changed");
      assertNotEquals(before, src.contentHash(src.select(List.of("toA")), false));
    }
  }

  @Test
  void fifosAreSkippedUnopened() throws Exception {
    dev.strata.posix.Posix.mkfifo(ctx.resolve("dir/fifo"), 0644);
    dev.strata.posix.Posix.mkfifo(ctx.resolve("fifo"), 0644);
    try (CopySources src = new CopySources(ctx, DockerIgnore.none(), "build context")) {
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
          java.time.Duration.ofSeconds(20),
          () -> {
            assertFalse(walked(src, "dir").stream().anyMatch(e -> e.contains("fifo")));
            assertEquals(List.of(), src.select(List.of("fifo")));
            src.contentHash(src.select(List.of("dir", "fifo")), false);
          });
    }
  }
}
