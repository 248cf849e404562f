package dev.strata.frontend.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The writes to one variable scope of a stage, in order, so each step's scope is a length into one
 * shared log rather than a copy of every variable: with a copy per step, 5,000 ENV lines made 25
 * million map entries and the planner ran for minutes. A scope as of {@code length} is the replay
 * of the first {@code length} writes (a name keeps the place of its first write and the value of
 * its last, as a LinkedHashMap does). Appended to by one thread while a stage is converted; read
 * only after.
 */
final class WriteLog {
  private final List<String> names = new ArrayList<>();
  private final List<String> values = new ArrayList<>();

  /** Per name, the positions of its writes, ascending. */
  private final Map<String, List<Integer>> positions = new HashMap<>();

  /** A log whose first writes are {@code initial}'s entries. */
  static WriteLog of(Map<String, String> initial) {
    WriteLog log = new WriteLog();
    initial.forEach(log::put);
    return log;
  }

  void put(String name, String value) {
    positions.computeIfAbsent(name, n -> new ArrayList<>()).add(names.size());
    names.add(name);
    values.add(value);
  }

  int size() {
    return names.size();
  }

  /** The value of {@code name} after the first {@code length} writes, or null. */
  String get(String name, int length) {
    List<Integer> at = positions.get(name);
    if (at == null) {
      return null;
    }
    int i = Collections.binarySearch(at, length); // the first write at or past length is not seen
    int last = (i >= 0 ? i : -i - 1) - 1;
    return last < 0 ? null : values.get(at.get(last));
  }

  /** The scope after the first {@code length} writes, in the order names were first written. */
  Map<String, String> replay(int length) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < length; i++) {
      m.put(names.get(i), values.get(i));
    }
    return Collections.unmodifiableMap(m);
  }
}
