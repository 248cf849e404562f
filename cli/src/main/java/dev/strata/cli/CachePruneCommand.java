package dev.strata.cli;

import dev.strata.solver.CachePrune;
import dev.strata.store.Store;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache prune [--keep-storage SIZE] [--keep-duration DUR] [--filter type=T]...
 * [--dry-run]}: build cache records least recently used first (never a layer a named image holds),
 * then what nothing needs any more, as BuildKit's {@code buildctl prune} does with its GC policy.
 */
@Command(
    name = "prune",
    description = "Delete build cache, least recently used first, to bound the store.")
final class CachePruneCommand implements Callable<Integer> {
  static final Set<String> TYPES = Set.of("records", "cache-mounts", "unpacked", "tmp");

  @ParentCommand CacheCommand cache;
  @Spec CommandSpec spec;

  @Option(
      names = "--keep-storage",
      paramLabel = "SIZE",
      description = "Keep the store under SIZE (e.g. 100MB, 2GB; powers of 1000, as du shows).")
  String keepStorage;

  @Option(
      names = "--keep-duration",
      paramLabel = "DUR",
      description = "Keep cache used within DUR (e.g. 48h, 7d, 30m).")
  String keepDuration;

  @Option(
      names = "--filter",
      paramLabel = "type=T",
      description = "Prune only these kinds: records, cache-mounts, unpacked, tmp (repeatable).")
  List<String> filters = List.of();

  @Option(names = "--dry-run", description = "Only list what would go, and why.")
  boolean dryRun;

  /** {@code 100MB}, {@code 2GB}, {@code 512kB}, {@code 1000}: bytes, units of 1000 (du's). */
  static long size(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgGtT]?)(i?)[bB]?")
            .matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("--keep-storage " + text + ": want SIZE, e.g. 100MB");
    }
    int exp = "kmgt".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
    double base = m.group(3).isEmpty() ? 1000 : 1024;
    return (long) (Double.parseDouble(m.group(1)) * Math.pow(base, exp));
  }

  /** {@code 48h}, {@code 7d}, {@code 30m}, {@code 90s}. */
  static Duration duration(String text) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("--keep-duration " + text + ": want e.g. 48h, 7d, 30m");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  CachePrune.Options options() {
    Set<String> types = new HashSet<>();
    for (String f : filters) {
      if (!f.startsWith("type=") || !TYPES.contains(f.substring(5))) {
        throw new ParameterException(
            spec.commandLine(),
            "--filter " + f + ": want type=records, type=cache-mounts, type=unpacked or type=tmp");
      }
      types.add(f.substring(5));
    }
    try {
      return new CachePrune.Options(
          keepStorage == null ? -1 : size(keepStorage),
          keepDuration == null ? null : duration(keepDuration),
          types);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    CachePrune.Options o = options();
    CachePrune.Result r;
    try (Store store = cache.top.openStore(Store.Recovery.LEAVE_TO_PRUNE)) {
      if (!dryRun && !CachePrune.canRunHere(store)) {
        return cache.reexec();
      }
      r = CachePrune.prune(store, o, dryRun);
    }
    PrintWriter out = spec.commandLine().getOut();
    String verb = dryRun ? "Would remove" : "Removed";
    for (CachePrune.Chosen chosen : r.records()) {
      CachePrune.Candidate c = chosen.candidate();
      out.printf(
          "%s layer %s (%s, %s, last used %s): %s%n",
          verb,
          c.blob().hex().substring(0, 12),
          c.step(),
          Format.bytes(c.bytes()),
          c.lastUsed().equals(Instant.EPOCH) ? "never" : Format.ago(c.lastUsed()),
          chosen.why());
    }
    if (r.cacheMounts()) {
      out.println(verb + " every cache mount");
    }
    out.printf(
        "%s %d cache layers; store %s -> %s%s%n",
        verb,
        r.records().size(),
        Format.bytes(r.before()),
        Format.bytes(r.after()),
        dryRun ? " (estimate)" : "");
    return 0;
  }
}
