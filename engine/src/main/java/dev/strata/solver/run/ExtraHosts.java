package dev.strata.solver.run;

import dev.strata.sandbox.NetworkMode;
import dev.strata.sandbox.SandboxMount;
import dev.strata.solver.BuildRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --add-host}: the RUN's /etc/hosts as a file of its own, mounted read-only over the one the
 * sandbox gives (the host's with the host network, the image's with none), with the extra lines
 * after it, as Docker writes them. Nothing of it reaches a layer: the mount point is removed after
 * the command, as every mount's.
 */
final class ExtraHosts implements AutoCloseable {
  private static final String LOOPBACK =
      "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n";

  private final Path dir;

  private ExtraHosts(Path dir) {
    this.dir = dir;
  }

  /**
   * The file for a RUN of network {@code net}, in a new directory under {@code tmp}; none without
   * --add-host.
   */
  static ExtraHosts write(Path tmp, NetworkMode net, BuildRequest req) throws IOException {
    List<String> extra = req.run().network().extraHosts();
    if (extra.isEmpty()) {
      return new ExtraHosts(null);
    }
    Path d = Files.createTempDirectory(tmp, "hosts-");
    StringBuilder sb = new StringBuilder();
    Path host = Path.of("/etc/hosts");
    if (net == NetworkMode.HOST && Files.isRegularFile(host)) {
      sb.append(Files.readString(host, StandardCharsets.UTF_8));
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
        sb.append('\n');
      }
    } else {
      sb.append(LOOPBACK); // no host file to start from: the loopback names Docker writes
    }
    extra.forEach(l -> sb.append(l).append('\n'));
    Files.writeString(d.resolve("hosts"), sb, StandardCharsets.UTF_8);
    return new ExtraHosts(d);
  }

  /**
   * {@code mounts}, then /etc/hosts when there are extra hosts (last: nothing lies below a file).
   */
  List<SandboxMount> after(List<SandboxMount> mounts) {
    if (dir == null) {
      return mounts;
    }
    List<SandboxMount> all = new ArrayList<>(mounts);
    all.add(SandboxMount.bind(dir.resolve("hosts"), "/etc/hosts", true));
    return all;
  }

  @Override
  public void close() throws IOException {
    if (dir != null) {
      Files.deleteIfExists(dir.resolve("hosts"));
      Files.deleteIfExists(dir);
    }
  }
}
