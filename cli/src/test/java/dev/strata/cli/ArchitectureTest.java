package dev.strata.cli;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.constructors;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructor;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rules of DESIGN.md's module table and package map, checked on the compiled main classes of
 * every module (cli depends on all of them, benchmarks included for `strata bench`, so its tests
 * see them all). Maven already refuses an import of a module that is not a dependency; these rules
 * catch what it cannot: a class put into another module's package, a dependency the table forbids
 * though the pom allows it (cli -> native), and the rules inside a module (frontend, oci, picocli).
 *
 * <p>A new package must be added to its module below (the first rule fails until it is), so no
 * class escapes the layering by living in a package the rules do not name.
 */
@AnalyzeClasses(
    packages = "dev.strata",
    importOptions = {ImportOption.DoNotIncludeTests.class, ArchitectureTest.NoTestJars.class})
class ArchitectureTest {
  private static final String[] NATIVE = {"dev.strata.posix..", "dev.strata.nshelper.."};
  private static final String[] CACHE = {
    "dev.strata.oci..", "dev.strata.store..", "dev.strata.index..", "dev.strata.buildcache.."
  };
  private static final String[] ENGINE = {
    "dev.strata.archive..",
    "dev.strata.solver..",
    "dev.strata.codec..",
    "dev.strata.frontend..",
    "dev.strata.layer..",
    "dev.strata.registry..",
    "dev.strata.remotecache..",
    "dev.strata.rootless..",
    "dev.strata.sandbox..",
    "dev.strata.transport.."
  };
  private static final String[] BENCH = {"dev.strata.bench.."};
  private static final String[] CLI = {"dev.strata.cli.."};

  @ArchTest
  static final ArchRule everyPackageBelongsToAModule =
      classes()
          .that()
          .resideInAPackage("dev.strata..")
          .should()
          .resideInAnyPackage(
              Stream.of(NATIVE, CACHE, ENGINE, BENCH, CLI)
                  .flatMap(Stream::of)
                  .toArray(String[]::new))
          .because("the module rules below name packages; add a new one to its module here");

  /**
   * DESIGN.md's table: imports point down (native <- cache <- engine <- cli), never up; the rule
   * below forbids cli's use of native, which the table allows.
   */
  @ArchTest
  static final ArchRule modulesPointDown =
      layeredArchitecture()
          .consideringOnlyDependenciesInLayers()
          .layer("native")
          .definedBy(NATIVE)
          .layer("cache")
          .definedBy(CACHE)
          .layer("engine")
          .definedBy(ENGINE)
          .layer("benchmarks")
          .definedBy(BENCH)
          .layer("cli")
          .definedBy(CLI)
          .whereLayer("cli")
          .mayNotBeAccessedByAnyLayer()
          .whereLayer("benchmarks")
          .mayOnlyBeAccessedByLayers("cli")
          .whereLayer("engine")
          .mayOnlyBeAccessedByLayers("benchmarks", "cli")
          .whereLayer("cache")
          .mayOnlyBeAccessedByLayers("engine", "benchmarks", "cli")
          .whereLayer("native")
          .mayOnlyBeAccessedByLayers("cache", "engine", "benchmarks", "cli");

  /**
   * The frontend turns text into a plan and knows no way to run it (BuildKit's dockerfile2llb emits
   * LLB and never calls the solver): nothing that moves bytes, runs steps or reads the store. Value
   * types (oci, buildcache) and codec stay allowed.
   */
  @ArchTest
  static final ArchRule frontendOnlyPlans =
      noClasses()
          .that()
          .resideInAPackage("dev.strata.frontend..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(
              "dev.strata.sandbox..",
              "dev.strata.registry..",
              "dev.strata.store..",
              "dev.strata.index..",
              "dev.strata.solver..",
              "dev.strata.layer..",
              "dev.strata.archive..",
              "dev.strata.transport..",
              "dev.strata.remotecache..",
              "dev.strata.rootless..",
              "dev.strata.nshelper..",
              "dev.strata.posix..",
              "dev.strata.cli..");

  /**
   * java.io types oci may name: IOException and UncheckedIOException, because Jackson's readTree
   * declares IOException even for a byte array in memory (Json.parse turns it into
   * InvalidJsonException); Serializable, which exceptions and records imply. Everything else of
   * java.io is a file or a stream.
   */
  private static final Set<String> VALUE_IO_TYPES =
      Set.of("java.io.IOException", "java.io.UncheckedIOException", "java.io.Serializable");

  private static final DescribedPredicate<JavaClass> DOING_IO =
      resideInAnyPackage(
              "java.nio.file..",
              "java.nio.channels..",
              "java.net..",
              "org.rocksdb..",
              "dev.strata.store..",
              "dev.strata.index..",
              "dev.strata.posix..",
              "dev.strata.nshelper..")
          .or(
              resideInAPackage("java.io")
                  .and(
                      DescribedPredicate.describe(
                          "not one of " + VALUE_IO_TYPES,
                          (JavaClass c) -> !VALUE_IO_TYPES.contains(c.getName()))))
          .or(
              DescribedPredicate.describe(
                  "a process",
                  (JavaClass c) ->
                      Set.of("java.lang.ProcessBuilder", "java.lang.Process", "java.lang.Runtime")
                          .contains(c.getName())));

  /**
   * STYLE.md "the model does no I/O" (ggcr's v1 is types; layout, remote, tarball move bytes): oci
   * holds values parsed from and written to bytes in memory.
   */
  @ArchTest
  static final ArchRule ociDoesNoIo =
      noClasses()
          .that()
          .resideInAPackage("dev.strata.oci..")
          .should()
          .dependOnClassesThat(DOING_IO);

  /** Only the command line knows how it is invoked. */
  @ArchTest
  static final ArchRule onlyCliUsesPicocli =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.strata.cli..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("picocli..");

  /**
   * DESIGN.md: cli depends on engine and cache types only; entering the namespace is the engine's
   * ({@code dev.strata.rootless.Namespace}, used by build, run, prune, cache and unshare). This was
   * a frozen rule with 42 accepted violations until issue 21's solver work moved the calls.
   */
  @ArchTest
  static final ArchRule cliDoesNotCallNative =
      noClasses()
          .that()
          .resideInAnyPackage(CLI)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(NATIVE)
          .because("DESIGN.md: cli depends on engine and cache types only");

  /** Parameters a solver constructor may take: more is context to pass as one value. */
  private static final int MAX_PARAMETERS = 4;

  /**
   * Records whose fields are the shape of a public value of the solver's API, read by the CLI's
   * renderers and tests: their canonical constructors are wider than {@link #MAX_PARAMETERS}.
   * Frozen: no name joins this list (a new value groups its fields instead).
   */
  private static final Set<String> WIDE_VALUE_RECORDS =
      Set.of(
          "dev.strata.solver.BuildProgress$Step", // a progress event's fields
          "dev.strata.solver.StepStat", // a line of the build statistics (DESIGN.md shape)
          "dev.strata.solver.BuildResult",
          "dev.strata.solver.StageResult");

  /**
   * STYLE.md "Stop: passing the same six arguments to four constructors: make the context one
   * value" (issue 21): no constructor of the solver takes more than four parameters.
   */
  @ArchTest
  static final ArchRule solverConstructorsTakeAtMostFourParameters =
      constructors()
          .that()
          .areDeclaredInClassesThat()
          .resideInAPackage("dev.strata.solver..")
          .and()
          .areDeclaredInClassesThat(
              DescribedPredicate.describe(
                  "are not " + WIDE_VALUE_RECORDS,
                  (JavaClass c) -> !WIDE_VALUE_RECORDS.contains(c.getName())))
          .should(
              new ArchCondition<JavaConstructor>("take at most " + MAX_PARAMETERS + " parameters") {
                @Override
                public void check(JavaConstructor c, ConditionEvents events) {
                  int n = c.getRawParameterTypes().size();
                  if (n > MAX_PARAMETERS) {
                    events.add(
                        SimpleConditionEvent.violated(
                            c, c.getFullName() + " takes " + n + " parameters"));
                  }
                }
              });

  /** Lines a main source file may have (google-java-format's lines: the build formats them). */
  private static final int MAX_LINES = 300;

  /**
   * Main files over {@link #MAX_LINES} lines today outside the solver and the CLI, which issue 21
   * did not split (other rooms): frozen, no name joins this list. The frontend's shell lexer is the
   * one exception the issue names (a lexer reads best as one state machine).
   */
  private static final Set<String> LONG_FILES_ALLOWED =
      Set.of("engine/src/main/java/dev/strata/frontend/shell/ShellLexer.java");

  /**
   * STYLE.md "Most files 50-300 lines" (issue 21's acceptance): no main file of any module over
   * {@link #MAX_LINES} lines but those listed. A source scan, run from the cli module (Maven's
   * working directory for its tests); a missing module's sources fail, naming the path.
   */
  @ArchTest
  static void mainFilesAtMost300Lines(JavaClasses ignored) throws IOException {
    Path top = Path.of("").toAbsolutePath().getParent();
    List<String> tooLong = new ArrayList<>();
    for (String module : List.of("native", "cache", "engine", "cli", "benchmarks")) {
      Path src = top.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        throw new AssertionError("no main sources at " + src + " (run from the cli module)");
      }
      try (Stream<Path> files = Files.walk(src)) {
        for (Path f :
            (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
          String rel = top.relativize(f).toString();
          long lines;
          try (Stream<String> l = Files.lines(f)) {
            lines = l.count();
          }
          if (lines > MAX_LINES && !LONG_FILES_ALLOWED.contains(rel)) {
            tooLong.add(rel + ": " + lines + " lines");
          }
        }
      }
    }
    if (!tooLong.isEmpty()) {
      throw new AssertionError(
          "main files over " + MAX_LINES + " lines (split them; STYLE.md): " + tooLong);
    }
  }

  /** Other modules' test-jars (engine's ImageValidator) are tests, not the architecture. */
  static final class NoTestJars implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("-tests.jar");
    }
  }
}
