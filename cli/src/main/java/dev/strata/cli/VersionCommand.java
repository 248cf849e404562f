package dev.strata.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code strata version}: the version of Strata and of the Java runtime it runs on. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    String v = VersionCommand.class.getPackage().getImplementationVersion();
    spec.commandLine()
        .getOut()
        .printf(
            "strata %s%njava %s (%s)%n",
            v == null ? "0.1.0-SNAPSHOT" : v,
            System.getProperty("java.version"),
            System.getProperty("java.vm.name"));
    return 0;
  }
}
