package dev.strata.buildcache;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What changed between the inputs a record kept and a step's inputs now, as the words a user reads
 * after {@code --> miss:}: {@code 1 file changed: internal/greet/greet.go (210 -> 214 bytes)},
 * {@code ARG VERSION changed: dev -> 1.2.4}, {@code USER changed: root -> app}. The files of
 * COPY/ADD are compared entry by entry through their listings ({@link #files}). No I/O: the caller
 * hands in the listings it has.
 */
public final class InputsDiff {
  /** How many names a list of files shows before "and N more". */
  private static final int SHOWN = 3;

  private InputsDiff() {}

  /**
   * The changes from {@code before} to {@code now}, most telling first, joined by "; "; empty when
   * they are equal.
   *
   * @param listingBefore the listing whose digest {@code before.files()} is, or null if not kept
   * @param listingNow the listing of {@code now.files()}, or null
   * @param isArg whether a variable of the environment is a build ARG (else it is an ENV)
   */
  public static String of(
      KeyInputs before,
      KeyInputs now,
      String listingBefore,
      String listingNow,
      Predicate<String> isArg) {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(before.files(), now.files())) {
      out.add(
          listingBefore != null && listingNow != null
              ? files(listingBefore, listingNow)
              : "selected files changed: " + clip(before.files()) + " -> " + clip(now.files()));
    }
    if (!Objects.equals(before.env(), now.env())) {
      out.add(env(before.env(), now.env(), isArg));
    }
    value(out, "USER", before.user(), now.user());
    value(out, "WORKDIR", before.workdir(), now.workdir());
    value(out, "SHELL", join(before.shell()), join(now.shell()));
    value(out, "network", before.network(), now.network());
    if (!Objects.equals(before.mounts(), now.mounts())) {
      out.add(
          "mounts changed" + (binds(before.mounts(), now.mounts()) ? " (bind mount content)" : ""));
    }
    if (!before.urls().equals(now.urls())) {
      out.add("URL content changed: " + String.join(", ", now.urls()));
    }
    value(out, "--chown ids", before.chown(), now.chown());
    return String.join("; ", out).replaceAll("; $", "");
  }

  private static String join(List<String> l) {
    return l == null ? null : String.join(" ", l);
  }

  private static void value(List<String> out, String what, String before, String now) {
    if (!Objects.equals(before, now)) {
      out.add(what + " changed: " + shown(before) + " -> " + shown(now));
    }
  }

  /** A value as a reason shows it: {@code (none)} when absent, {@code ""} when empty, clipped. */
  public static String shown(String v) {
    return v == null ? "(none)" : v.isEmpty() ? "\"\"" : clip(v);
  }

  /** A long value (a digest, a command line) shortened for one line of output. */
  static String clip(String v) {
    if (v == null) {
      return "(none)";
    }
    if (v.startsWith("sha256:") && v.length() == 71) {
      return v.substring(0, 19) + "..";
    }
    return v.length() > 60 ? v.substring(0, 57) + "..." : v;
  }

  private static boolean binds(String a, String b) {
    String ha = a == null ? "" : a.contains("\n") ? a.substring(0, a.indexOf('\n')) : a;
    String hb = b == null ? "" : b.contains("\n") ? b.substring(0, b.indexOf('\n')) : b;
    return ha.equals(hb);
  }

  /** Variables changed, added or removed, ARGs first: {@code ARG VERSION changed: dev -> 1.2.4}. */
  static String env(List<String> before, List<String> now, Predicate<String> isArg) {
    Map<String, String> a = vars(before);
    Map<String, String> b = vars(now);
    List<String> args = new ArrayList<>();
    List<String> envs = new ArrayList<>();
    for (Map.Entry<String, String> e : b.entrySet()) {
      String old = a.get(e.getKey());
      if (!e.getValue().equals(old)) {
        String kind = isArg.test(e.getKey()) ? "ARG " : "ENV ";
        String text =
            old == null
                ? kind + e.getKey() + " added: " + clip(e.getValue())
                : kind + e.getKey() + " changed: " + clip(old) + " -> " + clip(e.getValue());
        (kind.equals("ARG ") ? args : envs).add(text);
      }
    }
    for (String k : a.keySet()) {
      if (!b.containsKey(k)) {
        (isArg.test(k) ? args : envs).add((isArg.test(k) ? "ARG " : "ENV ") + k + " removed");
      }
    }
    args.addAll(envs);
    return args.isEmpty() ? "environment order changed" : String.join("; ", args);
  }

  private static Map<String, String> vars(List<String> env) {
    Map<String, String> m = new LinkedHashMap<>();
    if (env != null) {
      for (String e : env) {
        int eq = e.indexOf('=');
        m.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
      }
    }
    return m;
  }

  /**
   * Files changed, added and removed between two listings (KeyInputs' {@code files}), each naming
   * up to three paths; directories are named only when no file changed.
   */
  public static String files(String before, String now) {
    Map<String, Listing.Entry> a = Listing.parse(before);
    Map<String, Listing.Entry> b = Listing.parse(now);
    List<Listing.Entry> changed = new ArrayList<>();
    List<Listing.Entry> added = new ArrayList<>();
    List<Listing.Entry> removed = new ArrayList<>();
    b.forEach(
        (k, e) -> {
          Listing.Entry old = a.get(k);
          if (old == null) {
            added.add(e);
          } else if (!old.rest().equals(e.rest())) {
            changed.add(e);
          }
        });
    a.forEach(
        (k, e) -> {
          if (!b.containsKey(k)) {
            removed.add(e);
          }
        });
    boolean anyFile =
        changed.stream().anyMatch(e -> !e.dir())
            || added.stream().anyMatch(e -> !e.dir())
            || removed.stream().anyMatch(e -> !e.dir());
    List<String> out = new ArrayList<>();
    list(out, "changed", changed, anyFile, a);
    list(out, "added", added, anyFile, a);
    list(out, "removed", removed, anyFile, a);
    return out.isEmpty() ? "the selected sources changed" : String.join("; ", out);
  }

  private static void list(
      List<String> out,
      String what,
      List<Listing.Entry> entries,
      boolean filesOnly,
      Map<String, Listing.Entry> before) {
    List<Listing.Entry> shown = new ArrayList<>();
    entries.stream().filter(e -> !filesOnly || !e.dir()).forEach(shown::add);
    if (shown.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    sb.append(shown.size()).append(shown.size() == 1 ? " file " : " files ").append(what);
    sb.append(": ");
    for (int i = 0; i < Math.min(SHOWN, shown.size()); i++) {
      Listing.Entry e = shown.get(i);
      sb.append(i == 0 ? "" : ", ").append(e.path());
      Listing.Entry old = before.get(e.key());
      if (what.equals("changed") && old != null) {
        sb.append(Listing.change(old, e));
      }
    }
    if (shown.size() > SHOWN) {
      sb.append(", and ").append(shown.size() - SHOWN).append(" more");
    }
    out.add(sb.toString());
  }
}
