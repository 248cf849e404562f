package dev.strata.bench.report;

import dev.strata.bench.result.BenchResults;
import dev.strata.bench.result.BuildResult;
import dev.strata.bench.result.Point;
import dev.strata.bench.result.StepResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which files and instructions cost the cache most over a run, from Strata's builds (the one
 * builder that says why a step missed). Each state after the first is blamed once, on its first
 * missed step (every later miss of that build follows from it):
 *
 * <ul>
 *   <li>instructions: that step's instruction; its cost is the seconds of every step the build
 *       re-ran;
 *   <li>files: the files the step's miss reason names ("N files changed: a, b"), when it names any;
 *       else, for a COPY or ADD from the context, the state's changed files (git's list for a
 *       commit) under the step's sources (all of them for "."), falling back to all the changed
 *       files when none is under them; for any other step (a RUN first missing), the Dockerfile
 *       when it changed.
 * </ul>
 *
 * Ranked by the number of builds busted, then by seconds re-run, then by name.
 */
public final class CacheBusters {
  /**
   * Files named by a miss reason: "1 file changed: a (120 -> 121 bytes)" or "3 files changed: a, b,
   * c; 1 file added: d" (the first list).
   */
  static final Pattern REASON_FILES = Pattern.compile("files? changed: ([^;]+)");

  /** A file or instruction and what it cost. */
  public record Buster(String name, int builds, double seconds) {}

  private final List<Buster> files;
  private final List<Buster> instructions;

  private CacheBusters(List<Buster> files, List<Buster> instructions) {
    this.files = files;
    this.instructions = instructions;
  }

  public List<Buster> files() {
    return files;
  }

  public List<Buster> instructions() {
    return instructions;
  }

  public static CacheBusters of(BenchResults r, String builder) {
    Map<String, double[]> files = new LinkedHashMap<>();
    Map<String, double[]> instructions = new LinkedHashMap<>();
    for (Point p : r.points()) {
      if (p.index() == 0) {
        continue; // the first build meets an empty store: nothing busted it
      }
      BuildResult b =
          p.builds().stream()
              .filter(x -> x.builder().equals(builder) && x.ok())
              .findFirst()
              .orElse(null);
      if (b == null || b.firstMiss() == null) {
        continue;
      }
      StepResult first = b.firstMiss();
      double rerun =
          b.steps().stream()
              .filter(StepResult::missed)
              .mapToDouble(s -> Math.max(0, s.seconds()))
              .sum();
      add(instructions, first.instruction(), rerun);
      List<String> seen =
          p.changedFiles().stream().filter(f -> !p.ignoredFiles().contains(f)).toList();
      boolean dockerfileChanged = p.changedFiles().contains(r.dockerfile());
      for (String f : blamedFiles(first, seen, dockerfileChanged, r.dockerfile())) {
        add(files, f, rerun);
      }
    }
    return new CacheBusters(ranked(files), ranked(instructions));
  }

  private static void add(Map<String, double[]> m, String name, double seconds) {
    double[] v = m.computeIfAbsent(name, k -> new double[2]);
    v[0]++;
    v[1] += seconds;
  }

  private static List<Buster> ranked(Map<String, double[]> m) {
    List<Buster> out = new ArrayList<>();
    m.forEach((k, v) -> out.add(new Buster(k, (int) v[0], v[1])));
    out.sort(
        Comparator.comparingInt(Buster::builds)
            .reversed()
            .thenComparing(Comparator.comparingDouble(Buster::seconds).reversed())
            .thenComparing(Buster::name));
    return out;
  }

  /** The files blamed for a build whose first miss is {@code step} (rules in the class comment). */
  static Set<String> blamedFiles(
      StepResult step, List<String> changed, boolean dockerfileChanged, String dockerfile) {
    Set<String> out = new LinkedHashSet<>();
    if (step.reason() != null) {
      Matcher m = REASON_FILES.matcher(step.reason());
      if (m.find()) {
        for (String f : m.group(1).split(",\\s*")) {
          f = f.replaceFirst("\\s*\\(.*$", ""); // a size change: "a.go (120 -> 121 bytes)"
          if (!f.isBlank() && !f.strip().matches("(and )?\\d+ more")) {
            out.add(contextPath(f.strip(), changed));
          }
        }
        return out;
      }
    }
    String[] words = step.instruction().strip().split("\\s+");
    String keyword = words[0].toUpperCase(Locale.ROOT);
    if (keyword.equals("COPY") || keyword.equals("ADD")) {
      List<String> sources = new ArrayList<>();
      for (int i = 1; i < words.length; i++) {
        String w = words[i];
        if (w.startsWith("--from")) {
          return out; // from another stage or image: no context file to blame
        }
        if (!w.startsWith("--")) {
          sources.add(w.replaceAll("[\\[\\]\",]", ""));
        }
      }
      if (!sources.isEmpty()) {
        sources.remove(sources.size() - 1); // the destination
      }
      for (String f : changed) {
        for (String s : sources) {
          if (under(f, s)) {
            out.add(f);
          }
        }
      }
      if (out.isEmpty()) {
        out.addAll(changed);
      }
      return out;
    }
    if (dockerfileChanged) {
      out.add(dockerfile == null ? "Dockerfile" : dockerfile);
    }
    return out;
  }

  /**
   * A reason names a file relative to its COPY source ({@code a.txt} of {@code COPY src/ ...}); the
   * changed context file it is ({@code src/a.txt}), when exactly one matches, else the name.
   */
  static String contextPath(String named, List<String> changed) {
    if (changed.contains(named)) {
      return named;
    }
    List<String> under = changed.stream().filter(c -> c.endsWith("/" + named)).toList();
    return under.size() == 1 ? under.get(0) : named;
  }

  /** Whether context path {@code file} is selected by COPY source {@code source}. */
  static boolean under(String file, String source) {
    String s = source.startsWith("./") ? source.substring(2) : source;
    while (s.endsWith("/") && s.length() > 1) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.equals(".") || s.isEmpty() || s.equals("/")) {
      return true;
    }
    String regex =
        Pattern.quote(s).replace("*", "\\E[^/]*\\Q").replace("?", "\\E[^/]\\Q") + "(/.*)?";
    return file.matches(regex);
  }
}
