package dev.strata.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.strata.oci.Digest;
import dev.strata.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file-hash table's batch calls, the blob sources and a held index session, on a real RocksDB.
 */
class StoreIndexTest {
  @TempDir Path dir;

  @Test
  void batchesOfFileHashesWriteAndReadTogether() {
    try (Store store = Store.open(dir.resolve("store"))) {
      store.withIndex(
          idx -> {
            idx.putFileHashes(Map.of("stat a", "aa", "stat b", "bb"));
            return null;
          });
      Map<String, String> got =
          store.withIndex(idx -> idx.fileHashes(List.of("stat a", "stat b", "stat c")));
      assertEquals(Map.of("stat a", "aa", "stat b", "bb"), got, "unknown keys are left out");
      assertEquals("aa", store.withIndex(idx -> idx.fileHash("stat a")));
      assertNull(store.withIndex(idx -> idx.fileHash("stat c")));
    }
  }

  @Test
  void blobSourcesAreListedPerBlobOnlyForThatBlob() {
    Digest a = Digest.sha256("a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Digest b = Digest.sha256("b".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    try (Store store = Store.open(dir.resolve("store"))) {
      store.withIndex(
          idx -> {
            idx.putBlobSources(List.of(a, b), "127.0.0.1:5000/x/app");
            idx.putBlobSources(List.of(a), "127.0.0.1:5000/y/app");
            idx.putBlobSources(List.of(a), "127.0.0.1:5000/x/app"); // again: still one entry
            return null;
          });
      assertEquals(
          List.of("127.0.0.1:5000/x/app", "127.0.0.1:5000/y/app"),
          store.withIndex(idx -> idx.blobSources(a)));
      assertEquals(List.of("127.0.0.1:5000/x/app"), store.withIndex(idx -> idx.blobSources(b)));
      Digest c = Digest.sha256(new byte[0]);
      assertEquals(List.of(), store.withIndex(idx -> idx.blobSources(c)));
    }
  }

  @Test
  void aHeldIndexServesEveryCallUntilReleased() throws Exception {
    try (Store store = Store.open(dir.resolve("store"))) {
      StoreIndex held;
      try (AutoCloseable h = store.holdIndex()) {
        held = store.withIndex(idx -> idx);
        assertEquals(held, store.withIndex(idx -> idx), "one session for all calls");
        store.withIndex(
            idx -> {
              idx.putFileHash("k", "v");
              return null;
            });
      }
      // released: the next call opens the index afresh and sees what was written
      assertEquals("v", store.withIndex(idx -> idx.fileHash("k")));
      org.junit.jupiter.api.Assertions.assertNotSame(held, store.withIndex(idx -> idx));
    }
  }

  @Test
  void factsLeftInTheFileHashTableMoveToTheirOwnAndAPruneSparesThem() {
    String fact =
        Digest.sha256("copy-from|x".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    try (Store store = Store.open(dir.resolve("store"))) {
      // as a store written by an older version has it: the fact among the stat keys
      store.withIndex(
          idx -> {
            idx.putFileHashes(Map.of(fact, "sha256:f", "stat /gone\0 1 2", "d"));
            return null;
          });
    }
    try (Store store = Store.open(dir.resolve("store"))) {
      assertEquals("sha256:f", store.withIndex(idx -> idx.fact(fact)), "migrated at open");
      assertNull(store.withIndex(idx -> idx.fileHash(fact)));
      assertEquals(Map.of(fact, "sha256:f"), store.withIndex(StoreIndex::facts));
      // a prune's sweep drops every stat key no file has: here all of them, and no fact
      assertEquals(1, (int) store.withIndex(idx -> idx.pruneFileHashes(k -> false)));
      assertEquals("sha256:f", store.withIndex(idx -> idx.fact(fact)));
    }
  }

  @Test
  void aListingIsKeptOnceUnderItsDigest() {
    String listing = "source .\na.txt 100644 1 sha256:aa\n";
    try (Store store = Store.open(dir.resolve("store"))) {
      Digest d = store.withIndex(idx -> idx.listings().put(listing));
      assertEquals(Digest.sha256(listing.getBytes(java.nio.charset.StandardCharsets.UTF_8)), d);
      assertEquals(d, store.withIndex(idx -> idx.listings().put(listing)));
      assertEquals(listing, store.withIndex(idx -> idx.listings().get(d)));
      assertNull(store.withIndex(idx -> idx.listings().get(Digest.sha256(new byte[0]))));
    }
  }
}
