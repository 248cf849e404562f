package dev.strata.bench.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The states of an edit script: the context as it is (state 0), then after each edit in turn. The
 * user's context is copied once into the bench's own directory; edits change only the copy.
 */
public final class EditSource implements PointSource {
  private final Path original;
  private final EditScript script;
  private final Map<String, String> buildArgs;

  public EditSource(Path context, EditScript script, Map<String, String> buildArgs) {
    this.original = context;
    this.script = script;
    this.buildArgs = new LinkedHashMap<>(buildArgs);
  }

  @Override
  public int size() {
    return script.edits().size() + 1;
  }

  @Override
  public State prepare(int i, Path context) throws IOException {
    if (i == 0) {
      Dirs.empty(context);
      Dirs.copy(original, context);
      return new State("initial", "the context as given", List.of(), Map.copyOf(buildArgs));
    }
    EditScript.Edit e = script.edits().get(i - 1);
    List<String> changed = EditScript.apply(e, context, buildArgs);
    return new State(
        e.name(),
        e.op() + (e.file() == null ? "" : " " + e.file()),
        changed,
        Map.copyOf(buildArgs));
  }
}
