package dev.strata.cli;

import dev.strata.registry.LoginCheck;
import dev.strata.registry.RegistryOptions;
import dev.strata.registry.auth.CredentialStore;
import dev.strata.registry.auth.Credentials;
import dev.strata.rootless.Namespace;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata login REGISTRY}: checks credentials and saves them where docker and podman read
 * them.
 */
@Command(
    name = "login",
    description = {
      "Log in to a registry: the credentials are checked, then saved to --authfile,",
      "$REGISTRY_AUTH_FILE or ~/.docker/config.json (through its credsStore/credHelpers helper)."
    })
final class LoginCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "REGISTRY",
      description = "Registry host[:port], e.g. docker.io, 127.0.0.1:5000.")
  String registry;

  @Option(
      names = {"-u", "--username"},
      paramLabel = "USER",
      description = "User name (asked when absent).")
  String username;

  @Option(
      names = {"-p", "--password"},
      paramLabel = "PASSWORD",
      description = "Password (visible in the process list: prefer --password-stdin).")
  String password;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  boolean passwordStdin;

  @Option(names = "--authfile", paramLabel = "FILE", description = "Auth file to write.")
  Path authFile;

  @Override
  public Integer call() throws IOException {
    if (password != null && passwordStdin) {
      throw new ParameterException(
          spec.commandLine(), "--password and --password-stdin cannot be used together");
    }
    Console console = System.console();
    if (username == null) {
      if (console == null) {
        throw new ParameterException(
            spec.commandLine(), "no --username given and no terminal to ask on");
      }
      username = console.readLine("Username: ");
    }
    if (passwordStdin) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      password = line == null ? "" : line;
    } else if (password == null) {
      if (console == null) {
        throw new ParameterException(spec.commandLine(), "no password given: use --password-stdin");
      }
      char[] pw = console.readPassword("Password: ");
      password = pw == null ? "" : new String(pw);
    }
    if (username.isEmpty() || password.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "user name and password must not be empty");
    }
    Credentials c = new Credentials(username, password);
    LoginCheck.verify(registry, c, RegistryOptions.defaults());
    CredentialStore store =
        CredentialStore.fromEnvironment(System.getenv(), Namespace.callerHome(), authFile);
    String where = store.store(registry, c);
    spec.commandLine().getOut().println("Login Succeeded! (saved to " + where + ")");
    return 0;
  }
}
