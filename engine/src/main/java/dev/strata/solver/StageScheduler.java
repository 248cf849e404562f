package dev.strata.solver;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the stages of a plan in dependency order, a stage as soon as the stages it needs are
 * built, independent ones at the same time on at most {@code parallelism} threads (BuildKit's
 * solver runs independent vertexes concurrently, bounded by its worker pool). The first failure
 * ends the build: stages still running are interrupted (a RUN's sandbox is killed, see
 * ForegroundProcess) and waited for, so nothing outlives the build, then that failure is thrown.
 */
final class StageScheduler {
  /** Builds one stage; runs on a pool thread, which stays alive until it returns. */
  interface StageTask {
    void build(int stage) throws Exception;
  }

  private StageScheduler() {}

  /**
   * @param order the stages to build, each after the stages it needs
   * @param needs per stage, the stages it needs; stages not in {@code order} are ignored
   */
  static void run(
      List<Integer> order, Map<Integer, List<Integer>> needs, int parallelism, StageTask task)
      throws IOException, InterruptedException {
    if (parallelism <= 1 || order.size() <= 1) {
      for (int s : order) {
        call(task, s);
      }
      return;
    }
    Set<Integer> wanted = new HashSet<>(order);
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(parallelism, order.size()),
            r -> {
              Thread t = new Thread(r, "stage-" + threadNo.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    CompletionService<Integer> done = new ExecutorCompletionService<>(pool);
    Set<Integer> built = new HashSet<>();
    Set<Integer> started = new HashSet<>();
    int running = 0;
    try {
      while (built.size() < order.size()) {
        for (int s : order) {
          if (!started.contains(s) && ready(s, needs, wanted, built)) {
            started.add(s);
            running++;
            done.submit(
                () -> {
                  call(task, s);
                  return s;
                });
          }
        }
        if (running == 0) {
          throw new IllegalStateException(
              "stages " + notBuilt(order, built) + " wait on each other");
        }
        Future<Integer> f = done.take();
        running--;
        try {
          built.add(f.get());
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
      // Interrupted stages kill their sandboxes and close their snapshots; wait for that.
      while (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
        // a stage busy in an uninterruptible write still finishes by itself
      }
    }
  }

  private static boolean ready(
      int s, Map<Integer, List<Integer>> needs, Set<Integer> wanted, Set<Integer> built) {
    for (int n : needs.getOrDefault(s, List.of())) {
      if (n != s && wanted.contains(n) && !built.contains(n)) {
        return false;
      }
    }
    return true;
  }

  private static List<Integer> notBuilt(List<Integer> order, Set<Integer> built) {
    List<Integer> out = new ArrayList<>(order);
    out.removeAll(built);
    return out;
  }

  private static void call(StageTask task, int s) throws IOException, InterruptedException {
    try {
      task.build(s);
    } catch (IOException | InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static IOException rethrow(Throwable t) throws InterruptedException {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t instanceof InterruptedException i) {
      throw i;
    }
    if (t instanceof IOException io) {
      return io;
    }
    return new IOException(t);
  }
}
