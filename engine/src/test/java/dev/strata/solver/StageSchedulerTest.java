package dev.strata.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StageSchedulerTest {
  /** 0 and 1 are independent; 2 needs both; 3 needs 2. */
  private static final List<Integer> ORDER = List.of(0, 1, 2, 3);

  private static final Map<Integer, List<Integer>> NEEDS =
      Map.of(0, List.of(), 1, List.of(), 2, List.of(0, 1), 3, List.of(2));

  @Test
  void independentStagesRunAtTheSameTime() throws Exception {
    // 0 waits until 1 has started: with one stage at a time this would time out.
    CountDownLatch oneStarted = new CountDownLatch(1);
    AtomicBoolean overlapped = new AtomicBoolean();
    StageScheduler.run(
        ORDER,
        NEEDS,
        2,
        s -> {
          if (s == 1) {
            oneStarted.countDown();
          }
          if (s == 0) {
            overlapped.set(oneStarted.await(10, TimeUnit.SECONDS));
          }
        });
    assertTrue(overlapped.get(), "stage 0 saw stage 1 running beside it");
  }

  @Test
  void aStageStartsOnlyAfterEverythingItNeeds() throws Exception {
    List<Integer> finished = Collections.synchronizedList(new ArrayList<>());
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    StageScheduler.run(
        ORDER,
        NEEDS,
        4,
        s -> {
          for (int n : NEEDS.get(s)) {
            if (!finished.contains(n)) {
              violations.add(s + " started before " + n + " finished");
            }
          }
          Thread.sleep(20);
          finished.add(s);
        });
    assertEquals(List.of(), violations);
    assertEquals(4, finished.size());
    assertEquals(3, finished.get(3));
  }

  @Test
  void parallelismIsBounded() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Integer> five = List.of(0, 1, 2, 3, 4);
    StageScheduler.run(
        five,
        Map.of(),
        2,
        s -> {
          most.accumulateAndGet(running.incrementAndGet(), Math::max);
          Thread.sleep(50);
          running.decrementAndGet();
        });
    assertEquals(2, most.get());
  }

  @Test
  void theFirstFailureStopsTheRunningStagesAndIsThrown() throws Exception {
    AtomicBoolean interrupted = new AtomicBoolean();
    AtomicBoolean laterStageRan = new AtomicBoolean();
    BuildException e =
        assertThrows(
            BuildException.class,
            () ->
                StageScheduler.run(
                    ORDER,
                    NEEDS,
                    2,
                    s -> {
                      if (s == 0) {
                        try {
                          Thread.sleep(30_000);
                        } catch (InterruptedException ie) {
                          interrupted.set(true);
                          throw ie;
                        }
                      } else if (s == 1) {
                        Thread.sleep(100);
                        throw new BuildException("Dockerfile:4: RUN false: exit status 1");
                      } else {
                        laterStageRan.set(true);
                      }
                    }));
    assertEquals("Dockerfile:4: RUN false: exit status 1", e.getMessage());
    // run() returns only after the interrupted stage has ended
    assertTrue(interrupted.get(), "the long stage was interrupted");
    assertTrue(!laterStageRan.get(), "no stage started after the failure");
  }

  @Test
  void oneThreadRunsInOrderOnTheCallersThread() throws Exception {
    List<Integer> seen = new ArrayList<>();
    Thread me = Thread.currentThread();
    StageScheduler.run(
        ORDER,
        NEEDS,
        1,
        s -> {
          assertTrue(Thread.currentThread() == me);
          seen.add(s);
        });
    assertEquals(ORDER, seen);
  }
}
