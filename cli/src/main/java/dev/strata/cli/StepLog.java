package dev.strata.cli;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole output of one running step, kept so that a failure can show it in full (BuildKit prints
 * a failed vertex's logs), with memory bounded: past {@code memoryLimit} bytes it moves to a temp
 * file, deleted by {@link #close}. It also knows the last line, for the live view.
 */
final class StepLog implements AutoCloseable {
  static final int DEFAULT_MEMORY_LIMIT = 4 << 20;
  private static final int MAX_LINE = 1024;

  private final int memoryLimit;
  private ByteArrayOutputStream memory = new ByteArrayOutputStream();
  private Path file;
  private OutputStream fileOut;
  private long size;
  private final ByteArrayOutputStream current = new ByteArrayOutputStream();
  private byte[] last = new byte[0];
  private byte lastByte = '\n';

  StepLog(int memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  void append(byte[] b, int off, int len) {
    try {
      if (file == null && memory.size() + len > memoryLimit) {
        file = Files.createTempFile("strata-step", ".log");
        fileOut = new BufferedOutputStream(Files.newOutputStream(file));
        memory.writeTo(fileOut);
        memory = null;
      }
      if (file != null) {
        fileOut.write(b, off, len);
      } else {
        memory.write(b, off, len);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("keep the step's output in a temp file: " + e.getMessage(), e);
    }
    size += len;
    if (len > 0) {
      lastByte = b[off + len - 1];
    }
    for (int i = off; i < off + len; i++) {
      if (b[i] == '\n' || b[i] == '\r') { // \r too: a progress bar's last state is its line
        if (current.size() > 0) {
          last = current.toByteArray();
          current.reset();
        }
      } else if (current.size() < MAX_LINE) {
        current.write(b[i]);
      }
    }
  }

  long size() {
    return size;
  }

  /** Whether the output went to a temp file. */
  boolean spilled() {
    return file != null;
  }

  /** The line being written, else the last one, without control characters; "" when none. */
  String lastLine() {
    byte[] b = current.size() > 0 ? current.toByteArray() : last;
    String s = new String(b, StandardCharsets.UTF_8);
    return s.replaceAll("\u001b\\[[0-9;?]*[ -/]*[@-~]", "")
        .replace('\t', ' ')
        .replaceAll("\\p{Cntrl}", "")
        .strip();
  }

  /** Copies every byte so far to {@code to}; does not close it. */
  void writeTo(OutputStream to) throws IOException {
    if (file == null) {
      memory.writeTo(to);
      return;
    }
    fileOut.flush();
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(to);
    }
  }

  /** Whether the output so far ends with a newline (or is empty). */
  boolean endsWithNewline() {
    return lastByte == '\n';
  }

  @Override
  public void close() {
    memory = null;
    if (file != null) {
      try {
        fileOut.close();
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // a temp file left behind is harmless; the build's result is what matters
      }
      file = null;
    }
  }
}
