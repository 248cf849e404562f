package dev.strata.nshelper;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import sun.misc.Signal;

/**
 * Passes SIGINT, SIGTERM and SIGHUP on to the helper processes this JVM waits for, so that the
 * sandboxed command sees the signal itself and its exit status comes back (as a shell's child
 * would), instead of the JVM exiting at once and leaving the command to PR_SET_PDEATHSIG. With no
 * child, the JVM exits 128+N, as its default handler would.
 *
 * <p>sun.misc.Signal (jdk.unsupported) is the JDK's only way to handle a signal; kill(2) comes from
 * jnr-posix, loaded only when a signal arrives.
 */
final class SignalRelay {
  private static final Set<Process> CHILDREN = ConcurrentHashMap.newKeySet();
  private static volatile boolean installed;
  private static volatile POSIX posix;

  private SignalRelay() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    for (String name : new String[] {"INT", "TERM", "HUP"}) {
      Signal.handle(new Signal(name), SignalRelay::relay);
    }
    installed = true;
  }

  static void register(Process p) {
    CHILDREN.add(p);
  }

  static void unregister(Process p) {
    CHILDREN.remove(p);
  }

  private static void relay(Signal sig) {
    CHILDREN.removeIf(p -> !p.isAlive());
    if (CHILDREN.isEmpty()) {
      // The JVM's own behaviour: run shutdown hooks, exit 128+N.
      new Thread(() -> System.exit(128 + sig.getNumber()), "strata-signal-exit").start();
      return;
    }
    if (posix == null) {
      posix = POSIXFactory.getNativePOSIX();
    }
    for (Process p : CHILDREN) {
      posix.kill(p.pid(), sig.getNumber());
    }
  }
}
