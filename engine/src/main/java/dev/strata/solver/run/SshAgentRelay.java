package dev.strata.solver.run;

import dev.strata.frontend.plan.Mount;
import dev.strata.posix.Posix;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A RUN step's way to the user's ssh-agent ({@code RUN --mount=type=ssh}): a socket of its own,
 * bound into the sandbox, whose connections are relayed to the agent's, as BuildKit's ssh
 * forwarding relays them. A relay and not the agent's own socket: ssh-agent accepts only peers of
 * its own uid, and a step running as another USER maps to another host uid; the relay, in this
 * process, connects as the user. The socket has the mount's mode and owner (0600, 0:0 by default).
 * Only the agent protocol passes, bytes both ways; no key is ever in the sandbox.
 */
final class SshAgentRelay implements AutoCloseable {
  private final ServerSocketChannel server;
  private final Path socket;
  private final Thread acceptor;

  /**
   * Listens on {@code socket} (its directory must exist) and relays to the agent at {@code agent}
   * until closed; the socket gets the mount's mode (0600 by default) and owner.
   */
  SshAgentRelay(Path agent, Path socket, Mount spec) throws IOException {
    int mode = spec.modeOr(0600);
    int uid = spec.uid() == null ? 0 : spec.uid().intValue();
    int gid = spec.gid() == null ? 0 : spec.gid().intValue();
    this.socket = socket;
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      Posix.chmod(socket, mode);
      Posix.lchown(socket, uid, gid);
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    acceptor = new Thread(() -> accept(agent), "strata-ssh-relay");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Path socket() {
    return socket;
  }

  private void accept(Path agent) {
    while (server.isOpen()) {
      SocketChannel step;
      try {
        step = server.accept();
      } catch (IOException closed) {
        return;
      }
      SocketChannel upstream;
      try {
        upstream = SocketChannel.open(UnixDomainSocketAddress.of(agent));
      } catch (IOException e) {
        close(step); // the agent went away: the step's client sees the connection closed
        continue;
      }
      pump(step, upstream);
      pump(upstream, step);
    }
  }

  /** Copies {@code from} to {@code to} on a thread of its own; the end of either closes both. */
  private static void pump(SocketChannel from, SocketChannel to) {
    Thread t =
        new Thread(
            () -> {
              ByteBuffer b = ByteBuffer.allocate(16 * 1024);
              try {
                while (from.read(b) >= 0) {
                  b.flip();
                  while (b.hasRemaining()) {
                    to.write(b);
                  }
                  b.clear();
                }
              } catch (IOException e) {
                // one side closed: close both below
              } finally {
                close(from);
                close(to);
              }
            },
            "strata-ssh-relay-io");
    t.setDaemon(true);
    t.start();
  }

  private static void close(SocketChannel c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // nothing to do: it is gone either way
    }
  }

  /** Stops listening and removes the socket; open connections end with the step's processes. */
  @Override
  public void close() throws IOException {
    server.close();
    try {
      acceptor.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Files.deleteIfExists(socket);
  }
}
