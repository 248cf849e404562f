package dev.strata.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs blob transfers a bounded number at a time; the first failure cancels the rest. */
final class Transfers {
  private Transfers() {}

  static <T> List<T> run(int parallel, List<Callable<T>> tasks) {
    if (tasks.isEmpty()) {
      return List.of();
    }
    int n = Math.max(1, Math.min(parallel, tasks.size()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            n,
            r -> {
              Thread t = new Thread(r, "strata-transfer");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> c : tasks) {
        futures.add(pool.submit(c));
      }
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          pool.shutdownNow();
          Throwable c = e.getCause();
          if (c instanceof RuntimeException re) {
            throw re;
          }
          if (c instanceof Error err) {
            throw err;
          }
          throw new RegistryException(c.getMessage(), c);
        } catch (InterruptedException e) {
          pool.shutdownNow();
          Thread.currentThread().interrupt();
          throw new RegistryException("interrupted");
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }
}
