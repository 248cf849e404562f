package dev.strata.cli;

import dev.strata.oci.Descriptor;
import dev.strata.remotecache.StoreCache;
import dev.strata.rootless.Namespace;
import dev.strata.solver.BuildException;
import dev.strata.solver.IoErrorText;
import dev.strata.solver.run.CacheMounts;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache}: {@code explain}, {@code history}, {@code du} and {@code prune} (their own
 * classes), and here {@code export DIR} and {@code import DIR}: the store's whole build cache as a
 * bundle (an OCI layout, see {@link dev.strata.buildcache.CacheBundle}) that a machine without the
 * network imports, then builds with every recorded step a hit.
 */
@Command(
    name = "cache",
    description = "Explain, measure, bound and move the build cache.",
    subcommands = {
      CacheExplainCommand.class,
      CacheHistoryCommand.class,
      CacheDuCommand.class,
      CachePruneCommand.class,
      CacheConfigCommand.class,
      CacheCommand.Export.class,
      CacheCommand.Import.class
    })
final class CacheCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** The same command again in Strata's user namespace (as prune does for what it owns there). */
  int reexec() throws Exception {
    List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
    return Namespace.forStore(top.root).reexec(Main.class.getName(), argv);
  }

  /** {@code max=2GB}, {@code max=512MB}, {@code max=1000}: the cap in bytes (powers of 1024). */
  static long maxBytes(String text) {
    Matcher m =
        Pattern.compile("max=(\\d+)\\s*([KMGT]?)I?B?", Pattern.CASE_INSENSITIVE)
            .matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "--cache-mounts " + text + ": want max=SIZE (e.g. max=2GB)");
    }
    int shift =
        switch (m.group(2).toUpperCase(Locale.ROOT)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    return Long.parseLong(m.group(1)) << shift;
  }

  @Command(
      name = "export",
      description = {
        "Write every cache record and its layer into DIR (an OCI layout);",
        "with IMAGE names, only the records of the builds that made those images (every stage's)."
      })
  static final class Export implements Callable<Integer> {
    @ParentCommand CacheCommand cache;
    @Spec CommandSpec spec;

    @Parameters(
        index = "0",
        paramLabel = "DIR",
        arity = "0..1",
        description = "The bundle directory (made when missing).")
    Path dir;

    @Parameters(
        index = "1..*",
        paramLabel = "IMAGE",
        description = "Export only what the builds of these images recorded.")
    List<String> images = new ArrayList<>();

    @Option(
        names = "--cache-mounts",
        arity = "0..1",
        fallbackValue = "max=2GB",
        paramLabel = "max=SIZE",
        description =
            "Also export the RUN --mount=type=cache directories, at most SIZE in all (default 2GB).")
    String cacheMounts;

    @Override
    public Integer call() throws Exception {
      if (cacheMounts != null && !cacheMounts.startsWith("max=")) {
        // `--cache-mounts DIR [IMAGE...]`: the optional value took the directory (picocli's 0..1
        // arity)
        if (dir != null) {
          images.add(0, dir.toString());
        }
        dir = Path.of(cacheMounts);
        cacheMounts = "max=2GB";
      }
      if (dir == null) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Missing required parameter: 'DIR'");
      }
      long max;
      try {
        max = cacheMounts == null ? 0 : maxBytes(cacheMounts);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      PrintWriter err = spec.commandLine().getErr();
      try (Store store = cache.top.openStore();
          AutoCloseable w = store.beginWrite()) {
        if (cacheMounts != null && CacheMounts.any(store) && !Namespace.inside()) {
          return cache.reexec(); // a cache's files carry the namespace's owners
        }
        List<Descriptor> mounts =
            cacheMounts == null
                ? List.of()
                : CacheMounts.toLayers(store, max, line -> err.println("Warning: " + line));
        err.flush();
        List<StoredImage> built = new ArrayList<>();
        for (String name : images) {
          built.add(store.image(name));
        }
        StoreCache.Moved m;
        try {
          m = StoreCache.export(store, dir.toAbsolutePath(), mounts, built);
        } catch (IllegalArgumentException e) {
          throw new BuildException("cache export " + dir + ": " + e.getMessage(), e);
        }
        spec.commandLine()
            .getOut()
            .printf(
                "Exported %d cache records, %d layers%s to %s%n",
                m.records(),
                m.layers(),
                m.cacheMounts() == 0 ? "" : ", " + m.cacheMounts() + " cache mounts",
                dir);
      } catch (IOException e) {
        throw new BuildException("cache export " + dir + ": " + IoErrorText.reason(e), e);
      }
      return 0;
    }
  }

  @Command(
      name = "import",
      description = "Add the cache records and layers of the bundle DIR to the store.")
  static final class Import implements Callable<Integer> {
    @ParentCommand CacheCommand cache;
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "DIR",
        description = "A bundle written by strata cache export or --cache-to type=local.")
    Path dir;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      if (!StoreCache.cacheMountLayers(dir.toAbsolutePath()).isEmpty() && !Namespace.inside()) {
        return cache.reexec(); // cache-mount files get the namespace's owners
      }
      try (Store store = cache.top.openStore();
          AutoCloseable w = store.beginWrite()) {
        StoreCache.Moved m =
            StoreCache.importInto(
                store, dir.toAbsolutePath(), line -> err.println("Warning: " + line));
        err.flush();
        spec.commandLine()
            .getOut()
            .printf(
                "Imported %d cache records, %d layers%s from %s%s%n",
                m.records(),
                m.layers(),
                m.cacheMounts() == 0 ? "" : ", " + m.cacheMounts() + " cache mounts",
                dir,
                m.refused() == 0 ? "" : " (" + m.refused() + " refused)");
      } catch (IOException e) {
        throw new BuildException("cache import " + dir + ": " + IoErrorText.reason(e), e);
      }
      return 0;
    }
  }
}
