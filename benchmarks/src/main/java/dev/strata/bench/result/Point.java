package dev.strata.bench.result;

import java.util.List;

/**
 * One state of the project that every builder built: a commit of a replayed range, or the state
 * after one scripted edit.
 *
 * @param id the commit's hash, or the edit's name
 * @param title the commit's subject, or the edit's description
 * @param changedFiles the files that differ from the previous point (git's list for a commit, the
 *     files the edit wrote for an edit), relative to the context; empty for the first point
 * @param ignoredFiles those of changedFiles that the context's .dockerignore leaves out
 * @param builds one per builder, in the run's builder order
 */
public record Point(
    int index,
    String id,
    String title,
    List<String> changedFiles,
    List<String> ignoredFiles,
    List<BuildResult> builds) {

  public Point {
    changedFiles = List.copyOf(changedFiles);
    ignoredFiles = List.copyOf(ignoredFiles);
    builds = List.copyOf(builds);
  }
}
