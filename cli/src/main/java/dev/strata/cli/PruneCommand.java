package dev.strata.cli;

import dev.strata.build.ImageSnapshots;
import dev.strata.nshelper.HelperBinary;
import dev.strata.nshelper.UserNamespace;
import dev.strata.store.Store;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata prune}: deletes blobs no named image reaches, then the unpacked layers no image
 * left stands on. Those carry the namespace's owners (subordinate ids), so when there are any
 * the command runs again inside Strata's user namespace, as build and run do. It waits for
 * builds and runs that have the store open.
 */
@Command(
    name = "prune",
    description = "Delete blobs that no named image uses, and the unpacked layers of none.")
final class PruneCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean unpacked;
    try (Store store = top.openStore()) {
      unpacked = ImageSnapshots.hasUnpacked(store);
      if (!unpacked || UserNamespace.inside()) {
        Store.PruneResult r = store.prune(Set.of(), ImageSnapshots::pruneUnpacked);
        spec.commandLine()
            .getOut()
            .printf("Removed %d blobs, %s%n", r.removed().size(), Format.bytes(r.bytes()))
            .printf("Removed %d unpacked layers, %s%n", r.derived().count(),
                Format.bytes(r.derived().bytes()));
        return 0;
      }
    }
    HelperBinary helper = HelperBinary.in(UnshareCommand.helperDir(top));
    List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
    return UserNamespace.reexecJvm(helper,
        UserNamespace.mappingFor(UnshareCommand.idMappingRequest("auto")),
        Main.class.getName(), argv);
  }
}
