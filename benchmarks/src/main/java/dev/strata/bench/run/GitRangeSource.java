package dev.strata.bench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The commits of a git range, each exported with {@code git archive} into the context. */
public final class GitRangeSource implements PointSource {
  private final Git git;
  private final List<String> commits;
  private final Map<String, String> buildArgs;
  private final Path scratch;

  /**
   * @param scratch a directory of the bench's own (git's private home and the archive file)
   */
  public GitRangeSource(Path repo, String range, Map<String, String> buildArgs, Path scratch)
      throws IOException, InterruptedException {
    this.git = new Git(repo, scratch.resolve("git-home"));
    this.commits = git.commits(range);
    this.buildArgs = Map.copyOf(buildArgs);
    this.scratch = scratch;
    if (commits.isEmpty()) {
      throw new IOException("the range " + range + " of " + repo + " holds no commit");
    }
  }

  @Override
  public int size() {
    return commits.size();
  }

  @Override
  public State prepare(int i, Path context) throws IOException, InterruptedException {
    String c = commits.get(i);
    Dirs.empty(context);
    git.export(c, context, scratch);
    List<String> changed = i == 0 ? List.of() : git.changedFiles(commits.get(i - 1), c);
    return new State(c, git.subject(c), changed, buildArgs);
  }
}
