package dev.strata.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.oci.Json;
import dev.strata.solver.CachePrune;
import dev.strata.store.Store;
import dev.strata.store.StoreUsage;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache du [--json]}: the store's bytes by kind, what named images and the cache
 * share, and what {@code strata cache prune} may reclaim; the kinds add up to what {@code du -sb}
 * says of the store. Unpacked layers carry the namespace's owners, so with any it runs inside.
 */
@Command(name = "du", description = "Show the store's disk usage by kind.")
final class CacheDuCommand implements Callable<Integer> {
  @ParentCommand CacheCommand cache;
  @Spec CommandSpec spec;

  @Option(names = "--json", description = "Print JSON (schema in README).")
  boolean json;

  @Override
  public Integer call() throws Exception {
    StoreUsage.Usage u;
    try (Store store = cache.top.openStore()) {
      if (!CachePrune.canRunHere(store)) {
        return cache.reexec();
      }
      u = StoreUsage.measure(store);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode o = Json.object();
      ObjectNode kinds = o.putObject("bytes");
      u.bytes().forEach(kinds::put);
      o.put("shared", u.shared());
      o.put("reclaimable", u.reclaimable());
      o.put("total", u.total());
      out.println(Json.pretty(o));
      return 0;
    }
    out.printf("%-14s %12s  %s%n", "KIND", "BYTES", "SIZE");
    for (String k : StoreUsage.KINDS) {
      long b = u.bytes().get(k);
      out.printf(
          "%-14s %12d  %s%s%n",
          k, b, Format.bytes(b), StoreUsage.RECLAIMABLE.contains(k) ? "  (reclaimable)" : "");
    }
    out.printf("%-14s %12d  %s%n", "total", u.total(), Format.bytes(u.total()));
    out.printf(
        "shared by images and cache: %s; reclaimable: %s%n",
        Format.bytes(u.shared()), Format.bytes(u.reclaimable()));
    return 0;
  }
}
