package dev.strata.frontend.instructions;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The flags one keyword accepts and their values (BuildKit's BFlags): strings, booleans ({@code
 * --link}, {@code --link=false}) and repeatable lists ({@code --mount}).
 */
final class FlagSet {
  enum Kind {
    STRING,
    BOOL,
    LIST
  }

  private final String keyword;
  private final Map<String, Kind> declared = new LinkedHashMap<>();
  private final Map<String, List<String>> values = new TreeMap<>();

  FlagSet(String keyword) {
    this.keyword = keyword;
  }

  FlagSet add(String name, Kind kind) {
    declared.put(name, kind);
    return this;
  }

  /** Parses {@code --name[=value]} words. */
  FlagSet parse(List<String> words, Location loc) throws InstructionException {
    for (String w : words) {
      if (!w.startsWith("--")) {
        throw new InstructionException("invalid flag \"" + w + "\" for " + keyword, loc, w);
      }
      String body = w.substring(2);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      String value = eq < 0 ? null : body.substring(eq + 1);
      Kind kind = declared.get(name);
      if (kind == null) {
        List<String> names = new ArrayList<>();
        declared.keySet().forEach(n -> names.add("--" + n));
        String hint =
            names.isEmpty()
                ? " (" + keyword + " takes no flags)"
                : Suggest.didYouMean("--" + name, names);
        throw new InstructionException(
            "unknown flag \"--" + name + "\" for " + keyword + hint, loc, "--" + name);
      }
      if (kind != Kind.LIST && values.containsKey(name)) {
        throw new InstructionException("duplicate flag specified: --" + name, loc, w);
      }
      switch (kind) {
        case BOOL:
          if (value == null || value.equalsIgnoreCase("true")) {
            value = "true";
          } else if (value.equalsIgnoreCase("false")) {
            value = "false";
          } else {
            throw new InstructionException(
                "expecting boolean value for flag --" + name + ", not: " + value, loc, w);
          }
          values.put(name, List.of(value));
          break;
        case STRING:
          if (value == null) {
            throw new InstructionException("missing a value on flag: --" + name, loc, w);
          }
          values.put(name, List.of(value));
          break;
        default:
          if (value == null) {
            throw new InstructionException("missing a value on flag: --" + name, loc, w);
          }
          values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
      }
    }
    return this;
  }

  String string(String name) {
    List<String> v = values.get(name);
    return v == null ? null : v.get(0);
  }

  boolean bool(String name) {
    List<String> v = values.get(name);
    return v != null && v.get(0).equals("true");
  }

  List<String> list(String name) {
    List<String> v = values.get(name);
    return v == null ? List.of() : List.copyOf(v);
  }
}
