package dev.strata.cli;

import dev.strata.build.BuildException;
import dev.strata.build.IoErrorText;
import dev.strata.remotecache.StoreCache;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache export DIR} and {@code strata cache import DIR}: the store's whole build
 * cache as a bundle (an OCI layout, see {@link dev.strata.buildcache.CacheBundle}) that a
 * machine without the network imports, then builds with every recorded step a hit.
 */
@Command(
    name = "cache",
    description = "Move the build cache between stores.",
    subcommands = {CacheCommand.Export.class, CacheCommand.Import.class})
final class CacheCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(name = "export", description = "Write every cache record and its layer into DIR (an OCI layout).")
  static final class Export implements Callable<Integer> {
    @ParentCommand CacheCommand cache;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "The bundle directory (made when missing).")
    Path dir;

    @Override
    public Integer call() throws Exception {
      try (Store store = cache.top.openStore(); AutoCloseable w = store.beginWrite()) {
        StoreCache.Moved m = StoreCache.export(store, dir.toAbsolutePath());
        spec.commandLine().getOut().printf("Exported %d cache records, %d layers to %s%n", m.records(), m.layers(), dir);
      } catch (IOException e) {
        throw new BuildException("cache export " + dir + ": " + IoErrorText.reason(e), e);
      }
      return 0;
    }
  }

  @Command(name = "import", description = "Add the cache records and layers of the bundle DIR to the store.")
  static final class Import implements Callable<Integer> {
    @ParentCommand CacheCommand cache;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "A bundle written by strata cache export or --cache-to type=local.")
    Path dir;

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      try (Store store = cache.top.openStore(); AutoCloseable w = store.beginWrite()) {
        StoreCache.Moved m = StoreCache.importInto(store, dir.toAbsolutePath(), line -> err.println("Warning: " + line));
        err.flush();
        spec.commandLine().getOut().printf("Imported %d cache records, %d layers from %s%s%n", m.records(), m.layers(), dir,
            m.refused() == 0 ? "" : " (" + m.refused() + " refused)");
      } catch (IOException e) {
        throw new BuildException("cache import " + dir + ": " + IoErrorText.reason(e), e);
      }
      return 0;
    }
  }
}
