package dev.strata.nshelper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A sink for a {@code strata-nshelper run}'s output that passes every byte on and keeps the last
 * line the helper itself wrote: protocol.h has it write one line starting {@code "strata-nshelper:
 * "} before it exits with a {@link NativeProtocol.Status} ("unable to find user nobody2: ..."). A
 * status alone says only that the sandbox failed, not why; the line does, and {@link #describe}
 * puts it into the one line a user sees. The sink is not closed.
 */
public final class HelperFailureTap extends OutputStream {
  /** protocol.h: every message of the helper starts so. */
  static final String PREFIX = "strata-nshelper: ";

  /** A line longer than this is no message of the helper's; only its start is kept. */
  private static final int MAX_LINE = 4096;

  private final OutputStream sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private String lastMessage;

  /** Passes everything on to {@code sink}, which stays open. */
  public HelperFailureTap(OutputStream sink) {
    this.sink = sink;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    sink.write(b, off, len);
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n') {
        endLine();
      } else if (line.size() < MAX_LINE) {
        line.write(b[i]);
      }
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    sink.flush();
  }

  private void endLine() {
    String s = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (s.startsWith(PREFIX)) {
      lastMessage = s.substring(PREFIX.length()).strip();
    }
  }

  /**
   * Why a run that exited with {@code code} (not 0) failed: for a {@link NativeProtocol.Status}
   * after a message of the helper's, that message ({@code "unable to find user nobody2: no matching
   * entries in the rootfs's /etc/passwd (exit status 125)"}); otherwise {@code "exit status N"},
   * the command's own failure.
   */
  public synchronized String describe(int code) {
    if (line.size() > 0) {
      endLine(); // a last line without its newline
    }
    boolean helperStatus = false;
    for (NativeProtocol.Status s : NativeProtocol.Status.values()) {
      helperStatus |= s.code == code;
    }
    if (helperStatus && lastMessage != null && !lastMessage.isEmpty()) {
      return lastMessage + " (exit status " + code + ")";
    }
    return "exit status " + code;
  }
}
