package dev.strata.frontend.plan;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.parser.Heredoc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a plan printed by {@code strata parse --format json}. A contract (README):
 *
 * <pre>
 * {"stages": [{"index": 0, "name": "builder", "base": "golang:1.19", "platform": null,
 *              "dependsOn": [], "instructions": [{"line": 3, "keyword": "RUN",
 *              "original": "RUN ...", "args": [...], "flags": {"mount": [...]},
 *              "heredocs": [{"name": "EOF", "content": "..."}]}]}],
 *  "target": "builder", "buildOrder": [[0], [1, 2], [3]]}
 * </pre>
 *
 * Keys are always present, in this order; {@code target} is the stage's name, or its index as a
 * string when it has none; heredoc content is what the file or shell receives ({@code <<-} tabs
 * removed; COPY/ADD bodies expanded unless the delimiter is quoted).
 */
public final class PlanJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PlanJson() {}

  public static ObjectNode tree(BuildPlan plan) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode stages = root.putArray("stages");
    for (Stage s : plan.stages()) {
      ObjectNode o = stages.addObject();
      o.put("index", s.index());
      o.put("name", s.name());
      o.put("base", s.base());
      o.put("platform", s.platform());
      ArrayNode deps = o.putArray("dependsOn");
      s.dependsOn().forEach(deps::add);
      ArrayNode ins = o.putArray("instructions");
      for (Step step : s.steps()) {
        instruction(ins.addObject(), step.instruction());
      }
    }
    root.put("target", plan.targetStage().displayName());
    ArrayNode order = root.putArray("buildOrder");
    for (List<Integer> wave : plan.buildOrder()) {
      ArrayNode w = order.addArray();
      wave.forEach(w::add);
    }
    return root;
  }

  private static void instruction(ObjectNode o, Instruction in) {
    o.put("line", in.location().startLine());
    o.put("keyword", in.keyword());
    o.put("original", in.location().original().strip());
    ArrayNode args = o.putArray("args");
    in.args().forEach(args::add);
    ObjectNode flags = o.putObject("flags");
    for (Map.Entry<String, List<String>> f : in.flags().entrySet()) {
      ArrayNode v = flags.putArray(f.getKey());
      f.getValue().forEach(v::add);
    }
    ArrayNode docs = o.putArray("heredocs");
    for (Heredoc h : in.heredocs()) {
      ObjectNode d = docs.addObject();
      d.put("name", h.name());
      d.put("content", h.chompedContent());
    }
  }

  /**
   * Jackson's printer, but {@code []} and {@code {}} for empty containers instead of {@code [ ]}.
   */
  private static final class CompactEmpty extends DefaultPrettyPrinter {
    private static final long serialVersionUID = 1L;

    CompactEmpty() {}

    CompactEmpty(CompactEmpty base) {
      super(base);
    }

    @Override
    public DefaultPrettyPrinter createInstance() {
      return new CompactEmpty(this);
    }

    @Override
    public DefaultPrettyPrinter withSeparators(Separators separators) {
      CompactEmpty c = new CompactEmpty(this);
      c._separators = separators;
      c._objectFieldValueSeparatorWithSpaces =
          separators.getObjectFieldValueSpacing().apply(separators.getObjectFieldValueSeparator());
      return c;
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      if (nrOfValues == 0) {
        --_nesting;
        g.writeRaw(']');
        return;
      }
      super.writeEndArray(g, nrOfValues);
    }

    @Override
    public void writeEndObject(JsonGenerator g, int nrOfEntries) throws IOException {
      if (nrOfEntries == 0) {
        --_nesting;
        g.writeRaw('}');
        return;
      }
      super.writeEndObject(g, nrOfEntries);
    }
  }

  /** Pretty-printed, two-space indent, one element per line, a final newline. */
  public static String write(BuildPlan plan) {
    DefaultPrettyPrinter pp =
        new CompactEmpty()
            .withSeparators(
                Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    pp.indentArraysWith(indenter);
    pp.indentObjectsWith(indenter);
    try {
      return MAPPER.writer(pp).writeValueAsString(tree(plan)) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
