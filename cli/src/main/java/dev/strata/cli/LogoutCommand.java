package dev.strata.cli;

import dev.strata.registry.auth.CredentialStore;
import dev.strata.rootless.Namespace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata logout REGISTRY}: forgets credentials in every auth file and helper. */
@Command(name = "logout", description = "Remove the saved credentials for a registry.")
final class LogoutCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "REGISTRY", description = "Registry host[:port].")
  String registry;

  @Option(names = "--authfile", paramLabel = "FILE", description = "Auth file to edit as well.")
  Path authFile;

  @Override
  public Integer call() {
    CredentialStore store =
        CredentialStore.fromEnvironment(System.getenv(), Namespace.callerHome(), authFile);
    if (!store.erase(registry)) {
      spec.commandLine().getErr().println("Error: not logged in to " + registry);
      return 1;
    }
    spec.commandLine().getOut().println("Removed login credentials for " + registry);
    return 0;
  }
}
