package dev.strata.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.oci.Digest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {
  @TempDir Path dir;

  @Test
  void writtenBlobIsAddressedByItsDigest() throws Exception {
    try (Store s = Store.open(dir)) {
      byte[] b = "hello".getBytes(StandardCharsets.UTF_8);
      Digest d = s.blobs().writeBytes(b);
      assertEquals(Digest.sha256(b), d);
      assertTrue(Files.isRegularFile(dir.resolve("blobs/sha256/" + d.hex())));
      assertArrayEquals(b, s.blobs().readSmall(d, 100));
      assertEquals(d, s.blobs().writeBytes(b), "writing the same bytes twice is idempotent");
    }
  }

  @Test
  void bytesNotMatchingTheExpectedDigestAreRefusedAndNothingIsLeft() throws Exception {
    try (Store s = Store.open(dir)) {
      Digest want = Digest.sha256("good".getBytes(StandardCharsets.UTF_8));
      CorruptBlobException e =
          assertThrows(
              CorruptBlobException.class,
              () ->
                  s.blobs()
                      .write(
                          new ByteArrayInputStream("evil".getBytes(StandardCharsets.UTF_8)), want));
      assertTrue(e.getMessage().contains(want.toString()), e.getMessage());
      assertFalse(s.blobs().has(want));
      assertEquals(0, s.blobs().list().size());
      try (Stream<Path> tmp = Files.list(s.tmp())) {
        assertEquals(0, tmp.filter(p -> p.getFileName().toString().startsWith("blob-")).count());
      }
    }
  }

  @Test
  void corruptStoredBlobIsReportedWithThePathToDelete() throws Exception {
    try (Store s = Store.open(dir)) {
      Digest d = s.blobs().writeBytes("config".getBytes(StandardCharsets.UTF_8));
      Files.writeString(dir.resolve("blobs/sha256/" + d.hex()), "tampered");
      CorruptBlobException e =
          assertThrows(CorruptBlobException.class, () -> s.blobs().readSmall(d, 100));
      assertTrue(
          e.getMessage().contains("delete " + dir.resolve("blobs/sha256/" + d.hex())),
          e.getMessage());
      try (InputStream in = s.blobs().openVerified(d)) {
        assertThrows(CorruptBlobException.class, in::readAllBytes);
      }
    }
  }

  @Test
  void discardedWriterLeavesNothing() throws Exception {
    try (Store s = Store.open(dir)) {
      try (BlobStore.BlobWriter w = s.blobs().newWriter()) {
        w.write(new byte[1000]);
      }
      assertEquals(0, s.blobs().list().size());
      try (Stream<Path> tmp = Files.list(s.tmp())) {
        assertEquals(0, tmp.filter(p -> p.getFileName().toString().startsWith("blob-")).count());
      }
    }
  }

  @Test
  void layoutFilesExistForSkopeoAndUmoci() throws Exception {
    try (Store s = Store.open(dir)) {
      assertEquals(
          "{\"imageLayoutVersion\":\"1.0.0\"}", Files.readString(dir.resolve("oci-layout")));
      assertTrue(Files.readString(dir.resolve("index.json")).contains("\"manifests\":[]"));
    }
  }
}
