package dev.strata.cli;

import dev.strata.solver.BuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --ssh} values as docker buildx takes them: {@code ID=SOCKET}, or {@code ID} alone for
 * {@code $SSH_AUTH_SOCK} ({@code default} is the id a mount without one asks for). Only agent
 * sockets are forwarded: buildx's key-file form ({@code ID=~/.ssh/id_ed25519}) is refused, saying
 * so, rather than loading a key into a process of ours.
 */
final class BuildSsh {
  private BuildSsh() {}

  static Map<String, Path> parse(List<String> specs) {
    Map<String, Path> out = new LinkedHashMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      String id = eq < 0 ? spec : spec.substring(0, eq);
      String where = eq < 0 ? System.getenv("SSH_AUTH_SOCK") : spec.substring(eq + 1);
      if (id.isEmpty()) {
        throw new BuildException("--ssh " + spec + ": no id (want ID or ID=SOCKET, e.g. default)");
      }
      if (where == null || where.isEmpty()) {
        throw new BuildException(
            "--ssh "
                + spec
                + ": SSH_AUTH_SOCK is not set; start an agent "
                + "(eval $(ssh-agent); ssh-add) or give its socket: --ssh "
                + id
                + "=SOCKET");
      }
      if (where.contains(",")) {
        throw new BuildException("--ssh " + spec + ": one agent socket per id");
      }
      Path socket = Path.of(where).toAbsolutePath();
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(socket, BasicFileAttributes.class); // a link to one will do
      } catch (IOException e) {
        throw new BuildException("--ssh " + id + ": no agent socket at " + socket, e);
      }
      if (!a.isOther()) { // a socket is neither file, directory nor link
        throw new BuildException(
            "--ssh "
                + id
                + ": "
                + socket
                + " is not a socket; strata forwards "
                + "an ssh-agent's socket, not key files (ssh-add the key to an agent)");
      }
      out.put(id, socket);
    }
    return out;
  }
}
