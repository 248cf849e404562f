package dev.strata.bench.run;

import dev.strata.bench.builder.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Read-only git commands on the user's repository, hermetic: a home of their own, no system or
 * global config, the C locale, no prompt. Nothing is ever written to the repository or its
 * checkout: a commit's tree reaches the bench through {@code git archive}.
 */
final class Git {
  private final Path repo;
  private final Map<String, String> env = new LinkedHashMap<>();

  Git(Path repo, Path home) throws IOException {
    this.repo = repo.toAbsolutePath().normalize();
    Files.createDirectories(home);
    String path = System.getenv("PATH");
    env.put("PATH", path != null ? path : "/usr/bin:/bin");
    env.put("HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("LC_ALL", "C");
  }

  /** The commits of a rev-list range ("A..B", or "B" for all its history), oldest first. */
  List<String> commits(String range) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("rev-list", "--reverse", "--first-parent"));
    args.addAll(List.of(range.trim().split("\\s+")));
    args.add("--");
    return git(args).lines().filter(l -> !l.isBlank()).toList();
  }

  String subject(String commit) throws IOException, InterruptedException {
    return git(List.of("log", "-1", "--format=%s", commit, "--")).strip();
  }

  /** The paths that differ between two commits. */
  List<String> changedFiles(String from, String to) throws IOException, InterruptedException {
    return git(List.of("diff", "--no-renames", "--name-only", from, to, "--"))
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }

  /** Writes the tree of {@code commit} into {@code dir} (git archive | tar -x). */
  void export(String commit, Path dir, Path scratch) throws IOException, InterruptedException {
    Path tar = scratch.resolve("archive.tar");
    git(List.of("archive", "--format=tar", "-o", tar.toString(), commit));
    run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()));
    Files.delete(tar);
  }

  private String git(List<String> args) throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("git", "-c", "safe.directory=" + repo, "-C", repo.toString()));
    cmd.addAll(args);
    return run(cmd);
  }

  private String run(List<String> cmd) throws IOException, InterruptedException {
    return Tools.output(cmd, env);
  }
}
