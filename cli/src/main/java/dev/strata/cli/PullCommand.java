package dev.strata.cli;

import dev.strata.oci.Digest;
import dev.strata.oci.Platform;
import dev.strata.registry.Progress;
import dev.strata.registry.RegistryOptions;
import dev.strata.store.Store;
import dev.strata.store.StoredImage;
import dev.strata.transport.ImageLocation;
import dev.strata.transport.ImageTransports;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata pull REF}: an image from a registry, layout or archive into the store. */
@Command(
    name = "pull",
    description = {
      "Pull an image into the store from docker://REF (the default), oci:DIR[:TAG],",
      "oci-archive:FILE or docker-archive:FILE. Prints the image id.",
      "Mirrors and insecure registries: $XDG_CONFIG_HOME/strata/registries.json;",
      "credentials: strata login, ~/.docker/config.json, $REGISTRY_AUTH_FILE."
    })
final class PullCommand implements Callable<Integer> {
  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "REF",
      description = "What to pull, e.g. busybox, docker://127.0.0.1:5000/app:1.")
  String ref;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description = "Name it in the store (default: the reference).")
  String name;

  @Option(
      names = "--platform",
      paramLabel = "OS/ARCH",
      description = "Platform to choose from an index (default: this host's).")
  String platform;

  @Option(
      names = "--offline",
      description = "Refuse every network access (a registry reference then fails).")
  boolean offline;

  @Override
  public Integer call() throws IOException {
    ImageLocation from;
    try {
      from = ImageTransports.parse(ref);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Platform p = platform == null ? Platform.host() : Platform.parse(platform);
    PrintWriter err = spec.commandLine().getErr();
    RegistryOptions opts = options(offline, err, top);
    try (Store store = top.openStore()) {
      StoredImage img = new ImageTransports(store, opts).pull(from, name, p);
      spec.commandLine().getOut().println(img.id());
    }
    return 0;
  }

  static RegistryOptions options(boolean offline, PrintWriter err, StrataCommand top) {
    RegistryOptions o = RegistryOptions.defaults().withOffline(offline);
    if ("error".equalsIgnoreCase(top.logLevel) || "warn".equalsIgnoreCase(top.logLevel)) {
      return o;
    }
    return o.withProgress(new Printer(err));
  }

  /** Plain progress lines on stderr, one per blob, as skopeo prints them. */
  static final class Printer implements Progress {
    private final PrintWriter err;

    Printer(PrintWriter err) {
      this.err = err;
    }

    @Override
    public synchronized void finished(String action, Digest blob, long size, boolean skipped) {
      err.println(
          action
              + " "
              + blob.shortHex()
              + " "
              + (skipped ? "skipped: already exists" : "done")
              + " ("
              + size
              + " bytes)");
      err.flush();
    }

    @Override
    public synchronized void note(String line) {
      err.println(line);
      err.flush();
    }
  }
}
