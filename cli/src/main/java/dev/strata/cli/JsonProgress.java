package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --progress json}: one JSON object per line per event, for tools (as {@code docker buildx
 * build --progress rawjson} streams its solve status). Field names are stable and documented in
 * README.md. RUN output is sent line by line, each {@code data} ending with its newline, so
 * concatenating a step's {@code data} gives its bytes back; a line that is not valid UTF-8 goes as
 * {@code dataBase64} instead, and a line longer than {@link #MAX_CHUNK} bytes in several events, so
 * memory stays bounded.
 */
final class JsonProgress implements ProgressView {
  static final int MAX_CHUNK = 16 * 1024;

  private final PrintStream out;
  private final Map<Step, ByteArrayOutputStream> partial = new LinkedHashMap<>();

  JsonProgress(PrintStream out) {
    this.out = out;
  }

  private static ObjectNode event(String name, Step s) {
    ObjectNode n = Json.object();
    n.put("event", name);
    n.put("time", Instant.now().toString());
    if (s != null) {
      n.put("step", s.number());
      n.put("total", s.total());
      n.put("stage", s.stage());
      n.put("stageName", s.stageName());
      n.put("line", s.line());
      n.put("text", s.text());
    }
    return n;
  }

  /** Events of one call, written together: one write per call, never half a line. */
  private final StringBuilder batch = new StringBuilder();

  private void send(ObjectNode n) {
    batch.append(Json.text(n)).append('\n');
  }

  private void flushBatch() {
    if (batch.length() > 0) {
      out.print(batch);
      out.flush();
      batch.setLength(0);
    }
  }

  @Override
  public synchronized void started(Step s) {
    send(event("started", s));
    flushBatch();
  }

  @Override
  public synchronized void output(Step s, byte[] b, int off, int len) {
    ByteArrayOutputStream line = partial.computeIfAbsent(s, k -> new ByteArrayOutputStream());
    for (int i = off; i < off + len; i++) {
      line.write(b[i]);
      if (b[i] == '\n' || line.size() >= MAX_CHUNK) {
        emit(s, line);
      }
    }
    flushBatch(); // a RUN's burst of lines in one write, not one per line
  }

  private void emit(Step s, ByteArrayOutputStream line) {
    byte[] bytes = line.toByteArray();
    int cut = bytes.length;
    if (bytes[cut - 1] != '\n' && bytes.length >= MAX_CHUNK) {
      cut = charBoundary(bytes); // a long line split: keep a UTF-8 sequence whole
    }
    ObjectNode n = event("output", s);
    String text = utf8(bytes, cut);
    if (text != null) {
      n.put("data", text);
    } else {
      n.put("dataBase64", Base64.getEncoder().encodeToString(Arrays.copyOf(bytes, cut)));
    }
    send(n);
    line.reset();
    line.write(bytes, cut, bytes.length - cut);
  }

  /** Where the last UTF-8 sequence of {@code b} starts, if it may be incomplete; else its end. */
  private static int charBoundary(byte[] b) {
    for (int i = b.length - 1; i >= Math.max(0, b.length - 4); i--) {
      if ((b[i] & 0xc0) != 0x80) {
        int need =
            (b[i] & 0x80) == 0 ? 1 : (b[i] & 0xe0) == 0xc0 ? 2 : (b[i] & 0xf0) == 0xe0 ? 3 : 4;
        return i + need <= b.length || i == 0 ? b.length : i;
      }
    }
    return b.length;
  }

  /** The text of {@code b[0, len)} when it is valid UTF-8, else null. */
  private static String utf8(byte[] b, int len) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, 0, len))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private void flush(Step s) {
    ByteArrayOutputStream line = partial.remove(s);
    while (line != null && line.size() > 0) {
      emit(s, line);
    }
  }

  private static BigDecimal seconds(double s) {
    return BigDecimal.valueOf(s).setScale(3, RoundingMode.HALF_UP);
  }

  @Override
  public synchronized void done(Step s, String cache, double seconds) {
    flush(s);
    ObjectNode n = event("done", s);
    if (cache == null) {
      n.putNull("cache");
    } else {
      n.put("cache", cache);
    }
    n.put("seconds", seconds(seconds));
    send(n);
    flushBatch();
  }

  @Override
  public synchronized void missed(Step s, String reason) {
    ObjectNode n = event("miss", s);
    n.put("reason", reason);
    send(n);
  }

  @Override
  public synchronized void failed(Step s, String message, double seconds) {
    flush(s);
    ObjectNode n = event("failed", s);
    n.put("message", message);
    n.put("seconds", seconds(seconds));
    send(n);
    flushBatch();
  }

  @Override
  public synchronized void warning(Step s, String message) {
    ObjectNode n = event("warning", s);
    n.put("message", message);
    send(n);
    flushBatch();
  }

  @Override
  public synchronized void info(String message) {
    ObjectNode n = event("info", null);
    n.put("message", message);
    send(n);
    flushBatch();
  }

  @Override
  public synchronized void close() {
    for (Step s : List.copyOf(partial.keySet())) {
      flush(s);
    }
    flushBatch();
    out.flush();
  }
}
