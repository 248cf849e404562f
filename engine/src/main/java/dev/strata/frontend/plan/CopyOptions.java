package dev.strata.frontend.plan;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.oci.Digest;
import java.util.List;

/**
 * What a COPY or ADD asks for, one shape for both, checked by {@link CopyConverter} with the rules
 * of BuildKit's dispatchCopy (dockerfile2llb/convert_copy.go): the engine takes these values as
 * they are.
 *
 * @param add ADD (URLs, archives, --checksum) rather than COPY
 * @param sources the sources as written (expanded): paths, and for ADD http(s) URLs
 * @param from COPY --from, or null
 * @param chown {@code user[:group]}, its form checked (ids are resolved in the stage's files), or
 *     null
 * @param chmod the {@code --chmod} mode bits, or null
 * @param excludes the {@code --exclude} patterns as written
 * @param excluded the same patterns compiled (cleaned as .dockerignore lines are)
 * @param checksum ADD --checksum, or null
 */
public record CopyOptions(
    boolean add,
    List<String> sources,
    String dest,
    String from,
    String chown,
    Integer chmod,
    boolean link,
    boolean parents,
    List<String> excludes,
    DockerIgnore excluded,
    Digest checksum) {

  public CopyOptions {
    sources = List.copyOf(sources);
    excludes = List.copyOf(excludes);
  }

  /**
   * Whether the copy is made into an empty tree and merged as a layer of its own (BuildKit's
   * MergeOp). BuildKit takes that path only for {@code --link} without {@code --chmod}, and copies
   * in place otherwise; so does Strata.
   */
  public boolean linked() {
    return link && chmod == null;
  }

  public boolean hasChown() {
    return chown != null;
  }

  /** The sources taken from the context or the --from stage (not URLs, not heredocs). */
  public List<String> localSources() {
    return sources.stream().filter(s -> !SourceForms.isUrl(s) && !isHeredoc(s)).toList();
  }

  /**
   * Whether a source is written {@code <<NAME}: an inline file whose body is one of the
   * instruction's heredocs, in the order of these sources (BuildKit's SourceContents).
   */
  public static boolean isHeredoc(String source) {
    return source.startsWith("<<");
  }

  /** ADD's http(s) sources. */
  public List<String> urls() {
    return add ? sources.stream().filter(SourceForms::isUrl).toList() : List.of();
  }

  public String keyword() {
    return add ? "ADD" : "COPY";
  }
}
