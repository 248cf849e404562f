package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Location;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The stage DAG: edges from a stage to the stages it needs, each remembering the instruction that
 * made it (for the error message); pruning to a target, cycle detection, and parallel waves.
 */
final class StageGraph {
  record Edge(int to, Location at, String token) {}

  private final List<List<Edge>> edges = new ArrayList<>();
  private final List<String> names;

  StageGraph(List<String> displayNames) {
    this.names = displayNames;
    for (int i = 0; i < displayNames.size(); i++) {
      edges.add(new ArrayList<>());
    }
  }

  void add(int from, int to, Location at, String token) {
    for (Edge e : edges.get(from)) {
      if (e.to() == to) {
        return;
      }
    }
    edges.get(from).add(new Edge(to, at, token));
  }

  List<Integer> dependencies(int stage) {
    Set<Integer> s = new TreeSet<>();
    edges.get(stage).forEach(e -> s.add(e.to()));
    return List.copyOf(s);
  }

  /** The stages {@code target} needs, itself included; refuses a cycle among them. */
  Set<Integer> reachable(int target) throws PlanException {
    Set<Integer> done = new TreeSet<>();
    List<Integer> path = new ArrayList<>();
    visit(target, done, path, new TreeSet<>());
    return done;
  }

  private void visit(int s, Set<Integer> done, List<Integer> path, Set<Integer> onPath)
      throws PlanException {
    path.add(s);
    onPath.add(s);
    for (Edge e : edges.get(s)) {
      if (onPath.contains(e.to())) {
        StringBuilder cycle = new StringBuilder();
        for (int k = path.indexOf(e.to()); k < path.size(); k++) {
          cycle.append(names.get(path.get(k))).append(" -> ");
        }
        cycle.append(names.get(e.to()));
        throw new PlanException(
            "circular dependency detected on stage \"" + names.get(e.to()) + "\" (" + cycle + ")",
            e.at(),
            e.token());
      }
      if (!done.contains(e.to())) {
        visit(e.to(), done, path, onPath);
      }
    }
    path.remove(path.size() - 1);
    onPath.remove(s);
    done.add(s);
  }

  /** Waves of stages: a stage's wave is one more than the latest wave among its dependencies. */
  List<List<Integer>> waves(Set<Integer> stages) {
    TreeMap<Integer, List<Integer>> byWave = new TreeMap<>();
    int[] wave = new int[edges.size()];
    // Dependencies always come before dependents in a post-order, so ascending order of a
    // topological sort is enough; iterate until stable (the graph is acyclic and small).
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int s : stages) {
        for (Edge e : edges.get(s)) {
          if (wave[s] < wave[e.to()] + 1) {
            wave[s] = wave[e.to()] + 1;
            changed = true;
          }
        }
      }
    }
    for (int s : stages) {
      byWave.computeIfAbsent(wave[s], k -> new ArrayList<>()).add(s);
    }
    return List.copyOf(byWave.values());
  }
}
