package dev.strata.frontend.plan;

import dev.strata.frontend.ignore.DockerIgnore;
import dev.strata.frontend.ignore.IgnorePatternException;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.Location;
import dev.strata.oci.Digest;
import dev.strata.oci.InvalidDigestException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns an expanded COPY or ADD into {@link CopyOptions}, refusing what BuildKit's dispatchCopy
 * (dockerfile2llb/convert_copy.go) refuses before anything runs: git sources (not supported here),
 * a URL for COPY, {@code --checksum} but for one http(s) source or not a digest, a {@code --chmod}
 * that is not octal, a {@code --chown} that is not {@code user[:group]}, a malformed {@code
 * --exclude} pattern, and a source path that climbs out of its root. What needs the files (a user
 * missing from the stage's /etc/passwd, a source not found) is the engine's to find, when the step
 * runs.
 */
final class CopyConverter {
  private static final Pattern OCTAL = Pattern.compile("[0-7]{1,11}");
  private static final Pattern ID = Pattern.compile("[0-9]+");

  private CopyConverter() {}

  static CopyOptions convert(Instruction in) throws PlanException {
    Location loc = in.location();
    boolean add = in instanceof Instruction.Add;
    List<String> sources;
    String dest;
    String from = null;
    String chown;
    String chmod;
    boolean link;
    boolean parents = false;
    List<String> excludes;
    String checksum = null;
    if (in instanceof Instruction.Copy c) {
      sources = c.sources();
      dest = c.dest();
      from = c.from();
      chown = c.chown();
      chmod = c.chmod();
      link = c.link();
      parents = c.parents();
      excludes = c.excludes();
    } else if (in instanceof Instruction.Add a) {
      sources = a.sources();
      dest = a.dest();
      chown = a.chown();
      chmod = a.chmod();
      link = a.link();
      excludes = a.excludes();
      checksum = a.checksum();
    } else {
      throw new IllegalArgumentException(in.keyword() + " is not a COPY or ADD");
    }
    String keyword = in.keyword();
    if (from != null && from.isEmpty()) {
      // BuildKit would copy from the context; Strata refused it as a reference when the step ran
      throw new PlanException(
          "--from is empty: name a stage, a stage index or an image (or leave --from out"
              + " to copy from the build context)",
          loc,
          "--from");
    }
    for (String s : sources) {
      if (SourceForms.isGit(s)) {
        throw new PlanException(keyword + " " + s + ": git sources are not supported", loc, s);
      }
      if (!add && SourceForms.isUrl(s)) {
        throw new PlanException("COPY " + s + ": source can't be a URL for COPY (use ADD)", loc, s);
      }
      if (!SourceForms.isUrl(s)) {
        inside(s, parents, from, loc);
      }
    }
    return new CopyOptions(
        add,
        sources,
        dest,
        from,
        chown(chown, loc),
        chmod(chmod, loc),
        link,
        parents,
        excludes,
        excluded(excludes, loc),
        checksum(checksum, sources, loc));
  }

  /**
   * A local source may not climb out of the context or the {@code --from} stage; with {@code
   * --parents} each side of the {@code /./} pivot is taken on its own (as CopySources selects).
   */
  private static void inside(String source, boolean parents, String from, Location loc)
      throws PlanException {
    int cut = parents ? source.indexOf("/./") : -1;
    List<String> parts =
        cut < 0 ? List.of(source) : List.of(source.substring(0, cut), source.substring(cut + 3));
    for (String p : parts) {
      if (SourceForms.climbsAboveRoot(p)) {
        String where = from == null ? "build context" : "stage " + from;
        throw new PlanException("\"" + p + "\": forbidden path outside the " + where, loc, source);
      }
    }
  }

  /**
   * ADD --checksum: one http(s) source, and a digest (BuildKit: "checksum requires an HTTP(S)
   * source").
   */
  private static Digest checksum(String value, List<String> sources, Location loc)
      throws PlanException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (sources.size() != 1) {
      throw new PlanException(
          "ADD --checksum can't be specified for multiple sources", loc, "--checksum");
    }
    if (!SourceForms.isUrl(sources.get(0))) {
      throw new PlanException(
          "ADD --checksum="
              + value
              + " "
              + sources.get(0)
              + ": checksum requires an HTTP(S) source",
          loc,
          "--checksum");
    }
    try {
      return Digest.parse(value);
    } catch (InvalidDigestException e) {
      throw new PlanException("--checksum=" + value + ": " + e.getMessage(), loc, "--checksum");
    }
  }

  /** {@code --chmod}: octal mode bits, as BuildKit's strconv.ParseUint(chmod, 8, 32). */
  private static Integer chmod(String value, Location loc) throws PlanException {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!OCTAL.matcher(value).matches() || Long.parseLong(value, 8) > 0xFFFFFFFFL) {
      throw new PlanException("--chmod=" + value + ": want an octal mode", loc, "--chmod");
    }
    return (int) Long.parseLong(value, 8);
  }

  /**
   * {@code --chown=user[:group]}: each a name or a numeric id (names are looked up in the stage's
   * /etc/passwd and /etc/group when the step runs, as BuildKit's parseUser does).
   */
  private static String chown(String spec, Location loc) throws PlanException {
    if (spec == null || spec.isEmpty()) {
      return null;
    }
    String[] parts = spec.split(":", -1);
    boolean ok = parts.length <= 2 && !parts[0].isEmpty();
    for (String p : parts) {
      ok &=
          !ID.matcher(p).matches()
              || p.length() < 10
              || p.length() == 10 && Long.parseLong(p) <= Integer.MAX_VALUE;
    }
    if (!ok) {
      throw new PlanException(
          "--chown=" + spec + ": want user[:group], each a name or an id below 2^31",
          loc,
          "--chown");
    }
    return spec;
  }

  /** {@code --exclude} patterns compiled as .dockerignore lines; a malformed one is named. */
  private static DockerIgnore excluded(List<String> patterns, Location loc) throws PlanException {
    try {
      return DockerIgnore.excludes(patterns);
    } catch (IgnorePatternException e) {
      throw new PlanException(
          "--exclude=" + String.join(",", patterns) + ": " + e.getMessage(), loc, "--exclude");
    }
  }
}
