package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Digest;
import dev.strata.oci.Json;
import dev.strata.solver.BuildException;
import dev.strata.solver.BuildOutput;
import dev.strata.solver.BuildResult;
import dev.strata.solver.IoErrorText;
import dev.strata.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code docker buildx build} flags CI scripts pass, as {@code strata build} options: what the
 * image carries ({@code --label}, {@code --annotation}), where its ids are written ({@code
 * --iidfile}, {@code --metadata-file}, {@code -q}) and the outputs' buildx spellings ({@code
 * --push}, {@code --load}).
 */
final class BuildxFlags {
  @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label of the image.")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--annotation",
      paramLabel = "[manifest:]KEY=VALUE",
      description = "An annotation of the image manifest.")
  List<String> annotations = new ArrayList<>();

  @Option(
      names = "--iidfile",
      paramLabel = "FILE",
      description = "Write the image id (sha256:..., no newline) here.")
  Path iidfile;

  @Option(
      names = "--metadata-file",
      paramLabel = "FILE",
      description = "Write buildx's result JSON (containerimage.digest, ...) here.")
  Path metadataFile;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress: only the image id on stdout (errors still on stderr).")
  boolean quiet;

  @Option(
      names = "--push",
      description = "Also push the image to each -t name (--output type=registry,name=NAME).")
  boolean push;

  @Option(
      names = "--add-host",
      paramLabel = "HOST:IP",
      description = "A line of /etc/hosts for RUN steps (HOST=IP too).")
  List<String> addHosts = new ArrayList<>();

  @Option(names = "--load", description = "Into the store (what every build does).")
  boolean load;

  /** {@code --label}s in order; {@code KEY} alone is an empty value, as buildx. */
  Map<String, String> labels() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String l : labels) {
      int eq = l.indexOf('=');
      String k = eq < 0 ? l : l.substring(0, eq);
      if (k.isEmpty()) {
        throw new BuildException("--label " + l + ": want KEY=VALUE");
      }
      m.put(k, eq < 0 ? "" : l.substring(eq + 1));
    }
    return m;
  }

  /**
   * {@code --annotation}s for the image manifest. buildx's other targets (index, descriptors, per
   * platform) are refused: Strata makes one manifest, no index of its own.
   */
  Map<String, String> annotations() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String a : annotations) {
      int eq = a.indexOf('=');
      String k = eq < 0 ? a : a.substring(0, eq);
      int colon = k.indexOf(':');
      if (colon >= 0) {
        if (!k.substring(0, colon).equals("manifest")) {
          throw new BuildException(
              "--annotation "
                  + a
                  + ": Strata annotates the image manifest only: want KEY=VALUE or manifest:KEY=VALUE");
        }
        k = k.substring(colon + 1);
      }
      if (eq < 0 || k.isEmpty()) {
        throw new BuildException("--annotation " + a + ": want KEY=VALUE");
      }
      m.put(k, a.substring(eq + 1));
    }
    return m;
  }

  /**
   * {@code --add-host}s as /etc/hosts lines, {@code IP<TAB>HOST} as Docker writes them. HOST=IP or
   * HOST:IP (split at the first {@code =}, else the first {@code :}, so an IPv6 address keeps its
   * colons), the address a literal (never looked up); Docker's {@code host-gateway} has no meaning
   * without a bridge and is refused.
   */
  List<String> addHosts() {
    List<String> lines = new ArrayList<>();
    for (String h : addHosts) {
      int at = h.indexOf('=') >= 0 ? h.indexOf('=') : h.indexOf(':');
      String name = at < 0 ? "" : h.substring(0, at);
      String ip = at < 0 ? "" : h.substring(at + 1);
      if (name.isEmpty() || !name.matches("[^\\s#]+") || !isIpLiteral(ip)) {
        throw new BuildException("--add-host " + h + ": want HOST:IP (an IPv4 or IPv6 address)");
      }
      lines.add(ip + "\t" + name);
    }
    return lines;
  }

  private static boolean isIpLiteral(String ip) {
    if (ip.matches(
        "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)")) {
      return true;
    }
    if (!ip.contains(":") || !ip.matches("[0-9A-Fa-f:.]+")) {
      return false;
    }
    try {
      InetAddress.getByName(ip); // with a colon: parsed as an IPv6 literal, never looked up
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** {@code --push}: a registry output per tag; buildx refuses it without a name, as here. */
  List<BuildOutput> pushes(List<String> tags) {
    if (push && tags.isEmpty()) {
      throw new BuildException("--push: want a name to push to (-t NAME)");
    }
    List<BuildOutput> outs = new ArrayList<>();
    if (push) {
      tags.forEach(t -> outs.add(new BuildOutput("registry", null, t)));
    }
    return outs;
  }

  /** The mode of {@code --progress word}: plain with {@code -q} (its lines go nowhere, below). */
  ProgressMode mode(String word) {
    return ProgressMode.resolve(
        quiet ? "plain" : word, Terminal.isTty(Terminal.STDERR), System.getenv("TERM"));
  }

  /** Where progress goes: stderr, or nowhere with {@code -q}. */
  PrintStream log(PrintStream stderr) {
    return quiet ? new PrintStream(OutputStream.nullOutputStream(), true) : stderr;
  }

  /** Writes {@code --iidfile} and {@code --metadata-file}. */
  void write(BuildResult r, List<String> tags) {
    String id = r.imageId().toString();
    if (iidfile != null) {
      write("--iidfile", iidfile, id.getBytes(StandardCharsets.UTF_8));
    }
    if (metadataFile != null) {
      ObjectNode o = Json.object();
      o.put("containerimage.config.digest", id);
      // pushed: the registry's manifest (compressed layers), the one a digest reference names
      Digest d = r.pushedDigest() != null ? r.pushedDigest() : r.manifestDigest();
      o.put("containerimage.digest", d.toString());
      if (!tags.isEmpty()) {
        o.put("image.name", String.join(",", tags.stream().map(Store::canonicalName).toList()));
      }
      write("--metadata-file", metadataFile, Json.bytes(o));
    }
  }

  private static void write(String flag, Path file, byte[] bytes) {
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new BuildException(flag + ": cannot write " + file + ": " + IoErrorText.reason(e), e);
    }
  }
}
