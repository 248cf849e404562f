package dev.strata.frontend;

import dev.strata.frontend.instructions.Instruction;
import dev.strata.frontend.instructions.InstructionException;
import dev.strata.frontend.instructions.InstructionParser;
import dev.strata.frontend.parser.DockerfileParser;
import dev.strata.frontend.parser.ParseResult;
import dev.strata.frontend.parser.SyntaxException;
import dev.strata.frontend.plan.BuildOptions;
import dev.strata.frontend.plan.BuildPlan;
import dev.strata.frontend.plan.BuildPlanner;
import dev.strata.frontend.plan.PlanException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The frontend's one entry: Dockerfile text to {@link BuildPlan}. Each layer throws plain messages;
 * this is the one place that prefixes them with {@code file:line:column} (STYLE.md).
 */
public final class DockerfileFrontend {
  private DockerfileFrontend() {}

  /**
   * Reads and plans a Dockerfile; {@code displayName} is the file name as the user gave it. The
   * file must be UTF-8 text without NUL bytes ({@link DockerfileText}).
   */
  public static BuildPlan plan(Path dockerfile, String displayName, BuildOptions options)
      throws IOException, DockerfileException {
    return plan(
        displayName, DockerfileText.decode(displayName, Files.readAllBytes(dockerfile)), options);
  }

  /**
   * Plans a Dockerfile's bytes, read by the caller (the build reads them scoped to its context);
   * they must be UTF-8 text without NUL bytes ({@link DockerfileText}).
   */
  public static BuildPlan plan(String displayName, byte[] bytes, BuildOptions options)
      throws DockerfileException {
    return plan(displayName, DockerfileText.decode(displayName, bytes), options);
  }

  /** Plans Dockerfile text. */
  public static BuildPlan plan(String displayName, String text, BuildOptions options)
      throws DockerfileException {
    ParseResult parsed = parse(displayName, text);
    List<Instruction> instructions = instructions(displayName, parsed);
    try {
      return BuildPlanner.plan(instructions, parsed.escape(), options, parsed.warnings());
    } catch (PlanException e) {
      int line = e.location() == null ? 0 : e.location().startLine();
      throw new DockerfileException(displayName, line, e.column(), e.getMessage(), e);
    }
  }

  /** The untyped tree only. */
  public static ParseResult parse(String displayName, String text) throws DockerfileException {
    try {
      return DockerfileParser.parse(text);
    } catch (SyntaxException e) {
      throw new DockerfileException(displayName, e.line(), e.column(), e.getMessage(), e);
    }
  }

  /** The typed instructions, unexpanded. */
  public static List<Instruction> instructions(String displayName, ParseResult parsed)
      throws DockerfileException {
    try {
      return InstructionParser.parseAll(parsed.nodes());
    } catch (InstructionException e) {
      int line = e.location() == null ? 0 : e.location().startLine();
      throw new DockerfileException(displayName, line, e.column(), e.getMessage(), e);
    }
  }
}
