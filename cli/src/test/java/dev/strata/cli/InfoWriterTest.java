package dev.strata.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import org.junit.jupiter.api.Test;

class InfoWriterTest {
  @Test
  void eachLineIsOneInfoEventAndAPartialOneIsSentOnClose() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PlainProgress view = new PlainProgress(new PrintStream(bytes, true, UTF_8));
    try (PrintWriter w = new PrintWriter(new InfoWriter(view), true)) {
      w.println("Copying blob 1a2b3c done (12 bytes)");
      w.print("Trying mirror 127.0.0.1:5001\r\nhalf");
    }
    assertEquals(
        "--> Copying blob 1a2b3c done (12 bytes)\n--> Trying mirror 127.0.0.1:5001\n--> half\n",
        bytes.toString(UTF_8));
  }
}
