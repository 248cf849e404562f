package dev.strata.store;

import java.nio.file.Files;
import java.nio.file.Path;

/** A process that writes a blob slowly and says when it is half-way; the test kills it. */
public final class SlowBlobWriter {
  public static void main(String[] args) throws Exception {
    Store s = Store.open(Path.of(args[0]));
    BlobStore.BlobWriter w = s.blobs().newWriter();
    byte[] chunk = new byte[1 << 20];
    for (int i = 0; i < 8; i++) {
      w.write(chunk);
    }
    w.flush();
    Files.writeString(Path.of(args[1]), "half");
    Thread.sleep(60_000);
    w.commit(null);
  }
}
