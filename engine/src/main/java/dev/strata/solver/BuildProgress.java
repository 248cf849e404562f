package dev.strata.solver;

/**
 * What a build tells whoever watches it, as events (BuildKit's progress stream of vertexes that
 * start, log and complete). The builder emits them; renderers in {@code cli} turn them into plain
 * lines, a live terminal view or JSON lines. Independent stages build in parallel, so events of
 * different steps interleave and arrive from several threads: implementations must be thread-safe.
 * Events of one step come in order: {@code started}, any {@code output}, then exactly one of {@code
 * done} or {@code failed}.
 */
public interface BuildProgress {

  /**
   * One step of the build, FROM included, numbered across the whole build as {@code STEP n/N}.
   *
   * @param stage the stage's index in the Dockerfile
   * @param stageName the stage's name, or its index as a string when it has none
   * @param number 1-based, across the build (the steps of the stages the target needs)
   * @param total how many steps the build has
   * @param line the Dockerfile line of the instruction
   * @param text the instruction as written (e.g. {@code RUN go build -o /app .})
   */
  record Step(int stage, String stageName, int number, int total, int line, String text) {}

  /** The step begins: a cache lookup, then perhaps a run. */
  void started(Step step);

  /** Output of a RUN step (stdout and stderr, as they arrive), raw bytes. */
  void output(Step step, byte[] bytes, int offset, int length);

  /**
   * The step's key had no usable record, and why ({@code 1 file changed: main.go}, {@code
   * --no-cache}, {@code parent step missed (first cause: ...)}): it runs next. Between {@code
   * started} and {@code done}.
   */
  default void missed(Step step, String reason) {}

  /**
   * The step ended well.
   *
   * @param cache "hit", "miss", or null for FROM and metadata-only steps
   * @param seconds its wall time
   */
  void done(Step step, String cache, double seconds);

  /** The step failed; {@code message} is the build's error (naming the Dockerfile line). */
  void failed(Step step, String message, double seconds);

  /** A warning that belongs to no step, or to {@code step} when not null. */
  void warning(Step step, String message);

  /** A line of information about the build as a whole (e.g. which fast path was taken). */
  void info(String message);

  /** A progress that shows nothing. */
  BuildProgress NONE =
      new BuildProgress() {
        public void started(Step step) {}

        public void output(Step step, byte[] bytes, int offset, int length) {}

        public void done(Step step, String cache, double seconds) {}

        public void failed(Step step, String message, double seconds) {}

        public void warning(Step step, String message) {}

        public void info(String message) {}
      };
}
