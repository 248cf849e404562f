package dev.strata.cli;

import dev.strata.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The top-level {@code strata} command: global options and the list of subcommands. Each subcommand
 * is its own class; add it to {@code subcommands} below.
 */
@Command(
    name = "strata",
    mixinStandardHelpOptions = false,
    description = "Builds OCI images from Dockerfiles, rootless and daemonless.",
    subcommands = {
      VersionCommand.class,
      ImagesCommand.class,
      InspectCommand.class,
      TagCommand.class,
      RmiCommand.class,
      PruneCommand.class,
      ImportCommand.class,
      LoadCommand.class,
      SaveCommand.class,
      ParseCommand.class,
      BuildCommand.class,
      CacheCommand.class,
      PullCommand.class,
      PushCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      UnshareCommand.class,
      RunCommand.class,
      BenchCommand.class,
    })
public final class StrataCommand implements Callable<Integer> {

  @Option(
      names = "--root",
      paramLabel = "DIR",
      scope = ScopeType.INHERIT,
      description = "Store directory (default: $XDG_DATA_HOME/strata or ~/.local/share/strata).")
  Path root;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      scope = ScopeType.INHERIT,
      description = "error, warn, info or debug (debug adds stack traces to errors).")
  String logLevel = "info";

  @Option(
      names = "--progress",
      paramLabel = "MODE",
      scope = ScopeType.INHERIT,
      description = "auto, plain, tty or json.")
  String progress = "auto";

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  static CommandLine commandLine() {
    StrataCommand top = new StrataCommand();
    CommandLine cl = new CommandLine(top);
    cl.setExecutionExceptionHandler(new ErrorMapper(top));
    cl.setParameterExceptionHandler(ErrorMapper::usageError);
    cl.setExecutionStrategy(
        parsed -> {
          // Global values are checked before any command runs, whichever command it is.
          if (CliLogging.level(top.logLevel).isEmpty()) {
            return ErrorMapper.badValue(
                cl, "--log-level " + top.logLevel + ": want " + CliLogging.LEVELS);
          }
          if (!ProgressMode.known(top.progress)) {
            return ErrorMapper.badValue(cl, ProgressMode.unknown(top.progress));
          }
          CliLogging.configure(top.logLevel); // before any command logs; --log-level is parsed now
          return new CommandLine.RunLast().execute(parsed);
        });
    return cl;
  }

  /** Opens the store at {@code --root} or the default place; the caller closes it. */
  Store openStore() {
    return openStore(Store.Recovery.SWEEP_AT_OPEN);
  }

  /**
   * Warns about a store other users may enter, as an open would: for commands that re-execute
   * first.
   */
  void warnIfStoreOpenToOthers() throws IOException {
    Store.warnIfOpenToOthers(
        (root != null ? root : Store.defaultRoot()).toAbsolutePath().normalize());
  }

  /** As {@link #openStore()}, with what dead processes left handled as {@code recovery} says. */
  Store openStore(Store.Recovery recovery) {
    return Store.open(root != null ? root : Store.defaultRoot(), recovery);
  }

  boolean debug() {
    return "debug".equalsIgnoreCase(logLevel);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    spec.commandLine().usage(out);
    return 2;
  }
}
