package dev.strata.solver;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.buildcache.CacheKey;
import dev.strata.buildcache.CacheRecord;
import dev.strata.oci.Digest;
import dev.strata.solver.run.CacheMounts;
import dev.strata.store.Store;
import dev.strata.store.StoreUsage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code strata cache prune} (BuildKit's GC policy: keep-storage, keep-duration): drops build cache
 * records least recently used first, never one whose layer a named image holds, until the store is
 * under the size kept; then the blobs and unpacked layers no image or record needs any more go, as
 * {@code strata prune} does, under the prune lock a running build holds shared (so a build is never
 * pruned under). Cache mounts go only when named by the filter or when the records were not enough.
 */
public final class CachePrune {
  private CachePrune() {}

  /**
   * What to prune.
   *
   * @param keepStorage the store's size to stay under, in bytes, or -1 for no bound
   * @param keepDuration records used more recently than this are kept, or null
   * @param types the kinds to prune among {@code records}, {@code cache-mounts}, {@code unpacked}
   *     and {@code tmp} (empty: all)
   */
  public record Options(long keepStorage, Duration keepDuration, Set<String> types) {
    boolean wants(String type) {
      return types.isEmpty() || types.contains(type);
    }
  }

  /** When a layer's records were last used, and by which step (its instruction). */
  public record LastUse(Instant time, String step) {}

  /** A layer the records keep alive, which pruning the records would free. */
  public record Candidate(Digest blob, long bytes, LastUse used, List<CacheKey> records) {
    public Instant lastUsed() {
      return used.time();
    }

    public String step() {
      return used.step();
    }
  }

  /** A candidate chosen, and why. */
  public record Chosen(Candidate candidate, String why) {}

  /** What a prune did (or, dry, would do), the store's size before and after. */
  public record Result(List<Chosen> records, long before, long after, boolean cacheMounts) {}

  /** The layers of records that no named image holds, least recently used first. */
  static List<Candidate> candidates(Store store) throws IOException {
    Set<Digest> images = StoreUsage.imageBlobs(store);
    Map<CacheKey, CacheRecord> records = store.withIndex(idx -> idx.cacheRecords());
    Map<String, Instant> used = new HashMap<>();
    Map<String, String> stepOf = new HashMap<>();
    for (JsonNode b : BuildRecords.of(store).all()) {
      Instant t = Instant.parse(b.get("time").asText());
      for (JsonNode s : b.path("steps")) {
        String k = s.path("recordKey").asText(null);
        if (k != null) {
          used.merge(k, t, (x, y) -> x.isAfter(y) ? x : y);
          stepOf.put(k, s.path("instruction").asText());
        }
      }
    }
    Map<Digest, List<CacheKey>> byBlob = new HashMap<>();
    Map<Digest, Instant> last = new HashMap<>();
    Map<Digest, String> step = new HashMap<>();
    for (Map.Entry<CacheKey, CacheRecord> e : records.entrySet()) {
      CacheRecord r = e.getValue();
      if (!r.hasLayer() || images.contains(r.blob()) || !store.blobs().has(r.blob())) {
        continue;
      }
      Instant t = used.get(e.getKey().toString());
      if (t == null) {
        t = r.created() == null ? Instant.EPOCH : r.created();
      }
      byBlob.computeIfAbsent(r.blob(), b -> new ArrayList<>()).add(e.getKey());
      last.merge(r.blob(), t, (x, y) -> x.isAfter(y) ? x : y);
      step.putIfAbsent(r.blob(), stepOf.getOrDefault(e.getKey().toString(), r.createdBy()));
    }
    List<Candidate> out = new ArrayList<>();
    for (Map.Entry<Digest, List<CacheKey>> e : byBlob.entrySet()) {
      Digest b = e.getKey();
      out.add(
          new Candidate(
              b, store.blobs().size(b), new LastUse(last.get(b), step.get(b)), e.getValue()));
    }
    out.sort((x, y) -> x.lastUsed().compareTo(y.lastUsed()));
    return out;
  }

  /**
   * Chooses the records to drop: those unused for longer than {@code keepDuration}, then, least
   * recently used first, enough to bring {@code total} bytes (less {@code freeAnyway}, what goes
   * whatever is chosen) under {@code keepStorage}.
   */
  static List<Chosen> choose(
      List<Candidate> all, Options o, long total, long freeAnyway, Instant now) {
    List<Chosen> out = new ArrayList<>();
    long left = total - freeAnyway;
    for (Candidate c : all) {
      String why = null;
      if (o.keepDuration() != null && c.lastUsed().isBefore(now.minus(o.keepDuration()))) {
        why = "unused for more than " + o.keepDuration().toString().substring(2).toLowerCase();
      } else if (o.keepStorage() >= 0 && left > o.keepStorage()) {
        why = "least recently used, store over " + o.keepStorage() + " bytes";
      } else if (o.keepStorage() < 0 && o.keepDuration() == null) {
        why = "no bound given: every record not held by an image";
      }
      if (why != null) {
        out.add(new Chosen(c, why));
        left -= c.bytes();
      }
    }
    return out;
  }

  /** Prunes {@code store} as {@code o} says, or with {@code dryRun} only says what would go. */
  public static Result prune(Store store, Options o, boolean dryRun) throws IOException {
    StoreUsage.Usage before = StoreUsage.measure(store);
    Map<String, Long> b = before.bytes();
    // what the sweep frees whatever records go: unreferenced blobs, leftovers, unpacked layers
    long anyway =
        b.get("unreferenced") + b.get("tmp") + (o.wants("unpacked") ? b.get("unpacked") : 0);
    List<Chosen> chosen =
        o.wants("records")
            ? choose(candidates(store), o, before.total(), anyway, Instant.now())
            : List.of();
    long chosenBytes = chosen.stream().mapToLong(c -> c.candidate().bytes()).sum();
    boolean mounts =
        o.types().contains("cache-mounts")
            || (o.wants("cache-mounts")
                && o.keepStorage() >= 0
                && before.total() - anyway - chosenBytes > o.keepStorage());
    if (dryRun) {
      long after = before.total() - anyway - chosenBytes - (mounts ? b.get("cacheMounts") : 0);
      return new Result(chosen, before.total(), after, mounts);
    }
    // The estimate counts every unpacked layer as freed, but the sweep keeps those named images
    // stand on: measure after each round and drop more, least recently used first, while over.
    List<Chosen> all = new ArrayList<>();
    StoreUsage.Usage now = before;
    for (int round = 0; ; round++) {
      List<CacheKey> keys = new ArrayList<>();
      chosen.forEach(c -> keys.addAll(c.candidate().records()));
      all.addAll(chosen);
      store.withIndex(
          idx -> {
            idx.deleteCacheRecords(keys);
            return null;
          });
      StorePrune.prune(store, mounts);
      now = StoreUsage.measure(store);
      if (round == 3 || o.keepStorage() < 0 || now.total() <= o.keepStorage()) {
        break;
      }
      Map<String, Long> n = now.bytes();
      chosen =
          o.wants("records")
              ? choose(
                  candidates(store),
                  o,
                  now.total(),
                  n.get("unreferenced") + n.get("tmp"),
                  Instant.now())
              : List.of();
      if (chosen.isEmpty()) {
        if (mounts || !o.wants("cache-mounts") || n.get("cacheMounts") == 0) {
          break;
        }
        mounts = true; // the records were not enough
      }
    }
    return new Result(all, before.total(), now.total(), mounts);
  }

  /** Whether this process may prune {@code store} ({@link StorePrune#canRunHere}). */
  public static boolean canRunHere(Store store) throws IOException {
    return StorePrune.canRunHere(store, CacheMounts.any(store));
  }
}
