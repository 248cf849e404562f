package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Expander;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.KeyValue;
import dev.strata.frontend.instructions.Location;
import dev.strata.frontend.shell.ExpansionException;
import dev.strata.frontend.shell.ShellLexer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns typed instructions into a {@link BuildPlan}: global ARGs, then each stage in order with its
 * variables in scope (ARG scoping as the Dockerfile reference describes it), expansion of each
 * instruction, stage references, then pruning to the target and ordering.
 */
public final class BuildPlanner {
  /** Predefined ARGs usable without a declaration; they reach RUN but do not expand words. */
  public static final Set<String> PROXY_ARGS =
      Set.of(
          "HTTP_PROXY",
          "http_proxy",
          "HTTPS_PROXY",
          "https_proxy",
          "FTP_PROXY",
          "ftp_proxy",
          "NO_PROXY",
          "no_proxy",
          "ALL_PROXY",
          "all_proxy");

  private static final ShellLexer HEREDOC_LEXER =
      ShellLexer.withEscape('\\').skipProcessQuotes(true);

  private final ShellLexer lexer;
  private final BuildOptions options;
  private final Map<String, String> platformArgs;
  private final Map<String, String> metaArgs = new LinkedHashMap<>();
  private final Set<String> consumed = new HashSet<>();

  private BuildPlanner(char escape, BuildOptions options) {
    this.lexer = ShellLexer.withEscape(escape);
    this.options = options;
    this.platformArgs = PlatformArgs.of(options.targetPlatform(), options.buildPlatform());
  }

  /** Plans a parsed Dockerfile; {@code escape} is the file's escape token. */
  public static BuildPlan plan(
      List<Instruction> instructions, char escape, BuildOptions options, List<String> warnings)
      throws PlanException {
    return new BuildPlanner(escape, options).run(instructions, warnings);
  }

  private record RawStage(Instruction.From from, List<Instruction> body) {}

  private BuildPlan run(List<Instruction> all, List<String> parserWarnings) throws PlanException {
    List<RawStage> raw = new ArrayList<>();
    for (Instruction in : all) {
      if (in instanceof Instruction.From f) {
        raw.add(new RawStage(f, new ArrayList<>()));
      } else if (raw.isEmpty()) {
        if (!(in instanceof Instruction.Arg a)) {
          throw new PlanException(
              "no build stage in current context: "
                  + in.keyword()
                  + " must come after FROM (only ARG may precede the first FROM)",
              in.location(),
              null);
        }
        globalArg(a);
      } else {
        raw.get(raw.size() - 1).body().add(in);
      }
    }
    if (raw.isEmpty()) {
      Location at = all.isEmpty() ? null : all.get(all.size() - 1).location();
      throw new PlanException(
          "no FROM instruction: a Dockerfile needs at least one stage", at, null);
    }

    Map<String, Integer> byName = new HashMap<>();
    List<String> display = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Instruction.From f = raw.get(i).from();
      if (f.name() != null && byName.putIfAbsent(f.name(), i) != null) {
        throw new PlanException(
            "duplicate stage name \""
                + f.name()
                + "\" (first used by stage "
                + byName.get(f.name())
                + ")",
            f.location(),
            null);
      }
      display.add(f.name() != null ? f.name() : String.valueOf(i));
    }

    StageGraph graph = new StageGraph(display);
    List<StageConverter.Result> converted = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Instruction.From from;
      try {
        from = raw.get(i).from().expand(metaExpander());
      } catch (ExpansionException e) {
        throw new PlanException(e.getMessage(), raw.get(i).from().location(), e.source());
      }
      Integer base = byName.get(from.image().toLowerCase(Locale.ROOT));
      if (base != null && base >= i) {
        base = null; // FROM sees only earlier stages; a later name is an image reference
      }
      if (base != null) {
        graph.add(i, base, from.location(), from.image());
      }
      Environment start;
      if (base != null) {
        start = converted.get(base).end();
      } else {
        // BuildKit makes sure PATH is always set: an image (or scratch) without one gets the
        // default, in its config as well.
        Map<String, String> imageEnv =
            new LinkedHashMap<>(options.baseImageEnv().apply(from.image()));
        imageEnv.putIfAbsent("PATH", Environment.DEFAULT_PATH);
        start = new Environment(imageEnv, imageEnv, Map.of(), Environment.DEFAULT_SHELL);
      }
      StageConverter sc = new StageConverter(this, i, byName, raw.size(), graph);
      converted.add(sc.convert(from, base, raw.get(i).body(), start));
    }

    int target = raw.size() - 1;
    if (options.target() != null) {
      Integer t = byName.get(options.target().toLowerCase(Locale.ROOT));
      if (t == null) {
        throw new PlanException(
            "target stage \""
                + options.target()
                + "\" could not be found"
                + (byName.isEmpty()
                    ? " (no stage is named)"
                    : " (stages: " + String.join(", ", new TreeSet<>(byName.keySet())) + ")"),
            null,
            null);
      }
      target = t;
    }
    Set<Integer> needed = graph.reachable(target);
    List<Stage> stages = new ArrayList<>();
    for (int i : needed) {
      stages.add(converted.get(i).stage(graph.dependencies(i)));
    }

    Map<String, String> globals = new LinkedHashMap<>();
    metaArgs.forEach(
        (k, v) -> {
          if (v != null) {
            globals.put(k, v);
          }
        });
    Map<String, String> proxies = new LinkedHashMap<>();
    List<String> warnings = new ArrayList<>(parserWarnings);
    List<String> unused = new ArrayList<>();
    for (Map.Entry<String, String> e : options.buildArgs().entrySet()) {
      if (PROXY_ARGS.contains(e.getKey())) {
        proxies.put(e.getKey(), e.getValue());
      } else if (!consumed.contains(e.getKey())) {
        unused.add(e.getKey());
      }
    }
    if (!unused.isEmpty()) {
      warnings.add("one or more build args were not consumed: " + unused);
    }
    return new BuildPlan(stages, target, graph.waves(needed), globals, proxies, warnings);
  }

  private void globalArg(Instruction.Arg a) throws PlanException {
    for (KeyValue kv : a.declarations()) {
      String value;
      if (options.buildArgs().containsKey(kv.key())) {
        value = options.buildArgs().get(kv.key());
      } else if (kv.value() != null) {
        try {
          value = lexer.processWord(kv.value(), this::metaLookup);
        } catch (ExpansionException e) {
          throw new PlanException(e.getMessage(), a.location(), e.source());
        }
      } else {
        value = null;
      }
      consumed.add(kv.key());
      metaArgs.put(kv.key(), value);
    }
  }

  private String metaLookup(String name) {
    if (metaArgs.containsKey(name)) {
      return metaArgs.get(name);
    }
    return platformArgs.get(name);
  }

  Expander metaExpander() {
    return expander(this::metaLookup);
  }

  Expander expander(ShellLexer.Env env) {
    return new Expander() {
      @Override
      public String word(String word) throws ExpansionException {
        return lexer.processWord(word, env);
      }

      @Override
      public List<String> words(String word) throws ExpansionException {
        return lexer.processWords(word, env);
      }

      @Override
      public String heredoc(String body) throws ExpansionException {
        return HEREDOC_LEXER.processWord(body, env);
      }
    };
  }

  /**
   * The value an {@code ARG name[=default]} inside a stage takes: a build arg first, then the
   * default (expanded), then the global ARG of the same name, then an automatic platform ARG.
   */
  String stageArgValue(KeyValue decl, Expander e) throws ExpansionException {
    consumed.add(decl.key());
    if (options.buildArgs().containsKey(decl.key())) {
      return options.buildArgs().get(decl.key());
    }
    if (decl.value() != null) {
      return e.word(decl.value());
    }
    if (metaArgs.get(decl.key()) != null) {
      return metaArgs.get(decl.key());
    }
    return platformArgs.get(decl.key());
  }
}
