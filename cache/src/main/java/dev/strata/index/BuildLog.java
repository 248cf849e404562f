package dev.strata.index;

import java.util.ArrayList;
import java.util.List;

/**
 * The store's record of builds (table {@code stats}): per build, the JSON of its statistics (README
 * "Build statistics": id, Dockerfile, time, seconds, bytes written, and per step hit or miss, key
 * and reason), which {@code strata cache explain} and {@code history} read and the next build of a
 * Dockerfile compares its misses against.
 */
public final class BuildLog {
  private final Table table;

  BuildLog(Table table) {
    this.table = table;
  }

  /** Records one build's statistics (JSON) under its id. */
  public void put(String buildId, byte[] json) {
    table.put(buildId, json);
  }

  /** The statistics of build {@code buildId}, or null. */
  public byte[] get(String buildId) {
    return table.get(buildId);
  }

  /** Every recorded build's statistics (JSON), in no particular order (ids are not ordered). */
  public List<byte[]> all() {
    List<byte[]> out = new ArrayList<>();
    table.scan(
        "",
        (k, v) -> {
          out.add(v);
          return true;
        });
    return out;
  }

  /** Forgets the builds of {@code ids}, in one batch (a cache prune's, of the oldest). */
  public void delete(List<String> ids) {
    table.delete(ids);
  }
}
