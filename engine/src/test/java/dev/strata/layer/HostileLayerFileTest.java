package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus again, each layer unpacked from a file ({@link Unpacker#unpackFile}, as the
 * snapshotters unpack a store blob), where a plain tar's diffID is hashed by a thread of its own
 * reading the file: every refusal, and the nothing-written-outside check, must hold there too.
 */
class HostileLayerFileTest extends HostileLayerTest {
  @TempDir Path files; // apart from tmp, whose every change outside the root is a failure
  int n;

  @Override
  Unpacker.Result unpack(byte[] layer, Unpacker.Options o) throws IOException {
    Path file = files.resolve("layer-" + n++);
    Files.write(file, layer);
    return new Unpacker(o).unpackFile(file, root);
  }

  @Test
  void plainFile_diffIdIsTheFilesSha256_andTheBlobDigest() throws IOException {
    byte[] t =
        tar(new String[] {"d", "dir", ""}, new String[] {"d/f", "file", "x".repeat(300_000)});
    Unpacker.Result r = unpack(t, Unpacker.Options.defaults().expecting(Digest.sha256(t), null));
    assertEquals(Digest.sha256(t), r.diffId());
    assertEquals(r.diffId(), r.digest());
    assertEquals(t.length, r.compressedSize());
    assertEquals("x".repeat(300_000), Files.readString(root.resolve("d/f")));
  }

  @Test
  void plainFileWithBytesAfterTheEndBlocks_areHashedToo() throws IOException {
    byte[] t = tar(new String[] {"f", "file", "x"});
    byte[] padded = java.util.Arrays.copyOf(t, t.length + 10240); // zeros, as tar(1) pads
    Unpacker.Result r = unpack(padded, Unpacker.Options.defaults());
    assertEquals(Digest.sha256(padded), r.diffId());
  }

  @Test
  void missingFile_isAnError() {
    assertThrows(
        java.nio.file.NoSuchFileException.class,
        () -> new Unpacker(Unpacker.Options.defaults()).unpackFile(files.resolve("none"), root));
  }

  @Test
  void refusedMidway_stillRefusedWithTheEntry_whileTheDigestRuns() throws IOException {
    byte[] big = new byte[8 << 20];
    byte[] t =
        tar(
            new String[] {"big", "file", new String(big, StandardCharsets.ISO_8859_1)},
            new String[] {"../escape", "file", "pwned"});
    LayerException e =
        assertThrows(LayerException.class, () -> unpack(t, Unpacker.Options.defaults()));
    assertTrue(e.getMessage().contains("\"../escape\""), e.getMessage());
  }
}
