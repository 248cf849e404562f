package dev.strata.bench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The states a run builds, one after the other, each written into the same context directory. */
public interface PointSource {
  /** How many states there are. */
  int size();

  /** Makes state {@code i} (in order, from 0) in {@code context} and says what it is. */
  State prepare(int i, Path context) throws IOException, InterruptedException;

  /**
   * @param id commit hash or edit name
   * @param title commit subject or edit description
   * @param changedFiles what differs from the state before (empty for the first)
   * @param buildArgs the --build-arg values of this state's builds
   */
  record State(String id, String title, List<String> changedFiles, Map<String, String> buildArgs) {}
}
