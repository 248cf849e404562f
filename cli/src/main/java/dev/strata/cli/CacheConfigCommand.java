package dev.strata.cli;

import dev.strata.store.Store;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata cache config KEY [VALUE|off]}: reads or sets a store setting. {@code gc.keepStorage
 * SIZE} bounds the store after each build (BuildKit's GC policy; off by default).
 */
@Command(name = "config", description = "Show or set a store setting (gc.keepStorage SIZE|off).")
final class CacheConfigCommand implements Callable<Integer> {
  static final Set<String> KEYS = Set.of(CacheGc.KEEP_STORAGE);

  @ParentCommand CacheCommand cache;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY", description = "gc.keepStorage")
  String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "SIZE, or off.")
  String value;

  @Override
  public Integer call() throws Exception {
    if (!KEYS.contains(key)) {
      throw new ParameterException(spec.commandLine(), "unknown setting " + key + ": want " + KEYS);
    }
    if (value != null && !value.equals("off")) {
      try {
        CachePruneCommand.size(value);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), key + " " + value + ": want SIZE, e.g. 2GB");
      }
    }
    try (Store store = cache.top.openStore()) {
      if (value == null) {
        String v = store.withIndex(idx -> idx.setting(key));
        spec.commandLine().getOut().println(v == null ? "off" : v);
      } else {
        store.withIndex(
            idx -> {
              idx.putSetting(key, value.equals("off") ? null : value);
              return null;
            });
      }
    }
    return 0;
  }
}
