package dev.strata.frontend.instructions;

import dev.strata.frontend.parser.Heredoc;
import dev.strata.frontend.shell.ExpansionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Helpers for the canonical forms and expansion shared by the {@link Instruction} records. */
final class Flags {
  private Flags() {}

  static Map<String, List<String>> of(Object... kv) {
    Map<String, List<String>> m = new TreeMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      String k = (String) kv[i];
      Object v = kv[i + 1];
      if (v instanceof String s) {
        m.put(k, List.of(s));
      } else if (v instanceof Boolean b) {
        if (b) {
          m.put(k, List.of("true"));
        }
      } else if (v instanceof List<?> l && !l.isEmpty()) {
        List<String> ls = new ArrayList<>();
        l.forEach(x -> ls.add((String) x));
        m.put(k, List.copyOf(ls));
      }
    }
    return m;
  }

  static List<String> concat(List<String> a, String b) {
    List<String> out = new ArrayList<>(a);
    out.add(b);
    return List.copyOf(out);
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return List.copyOf(out);
  }

  static List<String> strings(List<KeyValue> kvs) {
    List<String> out = new ArrayList<>();
    kvs.forEach(kv -> out.add(kv.toString()));
    return List.copyOf(out);
  }

  static List<String> expandAll(Expander e, List<String> words) throws ExpansionException {
    List<String> out = new ArrayList<>(words.size());
    for (String w : words) {
      out.add(e.word(w));
    }
    return List.copyOf(out);
  }

  /** Heredoc sources ({@code <<EOF}) are names of inline files, not paths: left as written. */
  static List<String> expandSources(Expander e, List<String> sources, List<Heredoc> docs)
      throws ExpansionException {
    List<String> out = new ArrayList<>(sources.size());
    for (String s : sources) {
      out.add(!docs.isEmpty() && s.startsWith("<<") ? s : e.word(s));
    }
    return List.copyOf(out);
  }

  static List<Heredoc> expandHeredocs(Expander e, List<Heredoc> docs) throws ExpansionException {
    List<Heredoc> out = new ArrayList<>(docs.size());
    for (Heredoc h : docs) {
      out.add(
          h.expand()
              ? new Heredoc(h.name(), h.fileDescriptor(), true, h.chomp(), e.heredoc(h.content()))
              : h);
    }
    return List.copyOf(out);
  }

  static List<KeyValue> expandPairs(Expander e, List<KeyValue> kvs) throws ExpansionException {
    List<KeyValue> out = new ArrayList<>(kvs.size());
    for (KeyValue kv : kvs) {
      out.add(new KeyValue(e.word(kv.key()), kv.value() == null ? null : e.word(kv.value())));
    }
    return List.copyOf(out);
  }
}
