package dev.strata.nshelper;

import java.io.IOException;

/**
 * Runs a child in the foreground: started, registered with {@link SignalRelay} so that Ctrl-C or a
 * {@code kill} of Strata reaches it, and waited for. The calling thread must stay alive until this
 * returns: the helper dies with the thread that started it (PR_SET_PDEATHSIG is per thread).
 */
public final class ForegroundProcess {
  private ForegroundProcess() {}

  /** Starts {@code pb}, waits for it and returns its exit status (128+N after signal N). */
  public static int run(ProcessBuilder pb) throws IOException, InterruptedException {
    return waitFor(start(pb));
  }

  /**
   * Waits for a process from {@link #start} and stops relaying signals to it; if interrupted, kills
   * it (the sandbox then takes everything in it down).
   */
  public static int waitFor(Process p) throws InterruptedException {
    try {
      return p.waitFor();
    } finally {
      SignalRelay.unregister(p);
      if (p.isAlive()) {
        p.destroyForcibly();
      }
    }
  }

  /** Starts {@code pb} with signals relayed; the caller then calls {@link #waitFor}. */
  public static Process start(ProcessBuilder pb) throws IOException {
    SignalRelay.install();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IOException(
          "cannot start "
              + pb.command().get(0)
              + ": "
              + e.getMessage()
              + " (if its directory is on a noexec file system, set STRATA_HELPER_DIR)",
          e);
    }
    SignalRelay.register(p);
    return p;
  }
}
