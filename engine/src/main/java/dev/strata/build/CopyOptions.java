package dev.strata.build;

import dev.strata.buildcache.CacheKey;
import dev.strata.frontend.instructions.Instruction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a COPY or ADD asks for, one shape for both, with the rules of BuildKit's dispatchCopy
 * (frontend/dockerfile/dockerfile2llb/convert_copy.go) that are checked before anything runs.
 *
 * @param add ADD (URLs, archives, --checksum) rather than COPY
 * @param from COPY --from, or null
 * @param checksum ADD --checksum, or null
 */
record CopyOptions(
    boolean add,
    List<String> sources,
    String dest,
    String from,
    String chown,
    String chmod,
    boolean link,
    boolean parents,
    List<String> excludes,
    String checksum) {

  CopyOptions {
    sources = List.copyOf(sources);
    excludes = List.copyOf(excludes);
  }

  /** The options of a COPY or ADD instruction. */
  static CopyOptions of(Instruction in) {
    if (in instanceof Instruction.Copy c) {
      return new CopyOptions(false, c.sources(), c.dest(), c.from(), c.chown(), c.chmod(), c.link(),
          c.parents(), c.excludes(), null);
    }
    if (in instanceof Instruction.Add a) {
      return new CopyOptions(true, a.sources(), a.dest(), null, a.chown(), a.chmod(), a.link(), false,
          a.excludes(), a.checksum() == null || a.checksum().isEmpty() ? null : a.checksum());
    }
    throw new IllegalArgumentException(in.keyword());
  }

  /**
   * Whether the copy is made into an empty tree and merged as a layer of its own (BuildKit's
   * MergeOp). BuildKit takes that path only for {@code --link} without {@code --chmod}, and
   * copies in place otherwise; so does Strata.
   */
  boolean linked() {
    return link && (chmod == null || chmod.isEmpty());
  }

  boolean hasChown() {
    return chown != null && !chown.isEmpty();
  }

  /** The sources taken from the context or the --from stage (not URLs). */
  List<String> localSources() {
    return sources.stream().filter(s -> !RemoteFiles.isUrl(s)).toList();
  }

  /** ADD's http(s) sources. */
  List<String> urls() {
    return add ? sources.stream().filter(RemoteFiles::isUrl).toList() : List.of();
  }

  /** BuildKit's checks, as one-line errors (the caller adds the Dockerfile line). */
  void validate() {
    for (String s : sources) {
      if (RemoteFiles.isGit(s)) {
        throw new BuildException(keyword() + " " + s + ": git sources are not supported");
      }
      if (!add && RemoteFiles.isUrl(s)) {
        throw new BuildException("COPY " + s + ": source can't be a URL for COPY (use ADD)");
      }
    }
    if (checksum != null) {
      if (sources.size() != 1) {
        throw new BuildException("ADD --checksum can't be specified for multiple sources");
      }
      if (!RemoteFiles.isUrl(sources.get(0))) {
        throw new BuildException("ADD --checksum=" + checksum + " " + sources.get(0)
            + ": checksum requires an HTTP(S) source");
      }
      RemoteFiles.checksum(checksum);
    }
  }

  String keyword() {
    return add ? "ADD" : "COPY";
  }

  /**
   * The key a step's record is found by: the chained key, or for a linked copy a key of the
   * instruction and the inputs the copy itself depends on (not the parent: a changed base or
   * earlier step does not re-run it). USER does not affect a copy; WORKDIR only a relative dest.
   */
  static CacheKey recordKey(Instruction in, CacheKey chained, String canonical, Map<String, String> inputs) {
    if (!(in instanceof Instruction.Copy || in instanceof Instruction.Add) || !of(in).linked()) {
      return chained;
    }
    Map<String, String> own = new TreeMap<>(inputs);
    own.remove("user");
    if (of(in).dest().startsWith("/")) {
      own.remove("workdir");
    }
    return CacheKey.linked(canonical, own);
  }
}
