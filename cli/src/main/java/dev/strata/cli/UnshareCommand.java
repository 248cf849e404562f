package dev.strata.cli;

import dev.strata.rootless.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code strata unshare [-- CMD...]}: a shell, or CMD, as uid 0 in Strata's user namespace, with
 * the same id mapping Strata uses, to inspect or delete store files owned by subordinate ids (as
 * {@code podman unshare}). CMD is executed by the helper directly; no second JVM starts.
 *
 * <p>As root with the identity mapping (the chroot rung, root with CAP_SYS_ADMIN) the store's files
 * carry real ids and a user namespace would change nothing, where one can be made at all: CMD runs
 * directly as root, and one line on stderr says so (buildah unshare likewise runs the command as it
 * is for root that needs no namespace).
 */
@Command(
    name = "unshare",
    description = "Run a shell, or CMD, in Strata's user namespace.",
    modelTransformer = UnshareCommand.StopAtPositional.class)
final class UnshareCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;

  @Option(
      names = "--id-mapping",
      paramLabel = "MODE",
      description = "auto (default), identity, subids or single (see STRATA_ID_MAPPING).")
  String idMapping = "auto";

  @Parameters(paramLabel = "CMD", description = "Command and arguments (default: $SHELL).")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> program = command;
    if (program.isEmpty()) {
      String shell = System.getenv("SHELL");
      program = List.of(shell != null && !shell.isEmpty() ? shell : "/bin/sh");
    }
    return Namespace.forStore(top != null ? top.root : null)
        .unshare(program, idMapping, System.err);
  }

  /**
   * Options end at the first positional argument, so {@code strata run --rootfs R sh -c 'exit 3'}
   * passes {@code -c} to sh (podman run and unshare(1) parse the same way).
   */
  static final class StopAtPositional implements IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      spec.parser().stopAtPositional(true);
      return spec;
    }
  }
}
