package dev.strata.frontend.instructions;

import static dev.strata.frontend.instructions.NodeArgs.atLeast;
import static dev.strata.frontend.instructions.NodeArgs.command;
import static dev.strata.frontend.instructions.NodeArgs.flags;
import static dev.strata.frontend.instructions.NodeArgs.noFlags;

import dev.strata.frontend.instructions.FlagSet.Kind;
import dev.strata.frontend.parser.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives each {@link Node} its meaning (BuildKit's {@code instructions.ParseInstruction}): checks
 * the number of arguments and the flags, and builds the typed record. Nothing expands here. The
 * instructions that only change the image config are {@link ConfigInstructionParser}'s.
 */
public final class InstructionParser {
  /** Every keyword of the Dockerfile reference. */
  public static final List<String> KEYWORDS =
      List.of(
          "ADD",
          "ARG",
          "CMD",
          "COPY",
          "ENTRYPOINT",
          "ENV",
          "EXPOSE",
          "FROM",
          "HEALTHCHECK",
          "LABEL",
          "MAINTAINER",
          "ONBUILD",
          "RUN",
          "SHELL",
          "STOPSIGNAL",
          "USER",
          "VOLUME",
          "WORKDIR");

  private static final Pattern STAGE_NAME = Pattern.compile("^[a-z][a-z0-9-_.]*$");

  private InstructionParser() {}

  /** Parses every node. */
  public static List<Instruction> parseAll(List<Node> nodes) throws InstructionException {
    List<Instruction> out = new ArrayList<>(nodes.size());
    for (Node n : nodes) {
      out.add(parse(n));
    }
    return out;
  }

  public static Instruction parse(Node n) throws InstructionException {
    Location loc = new Location(n.startLine(), n.endLine(), n.column(), n.original());
    List<String> a = n.args();
    switch (n.keyword()) {
      case "FROM":
        return from(n, loc);
      case "RUN":
        {
          FlagSet f =
              flags(n)
                  .add("mount", Kind.LIST)
                  .add("network", Kind.STRING)
                  .add("security", Kind.STRING)
                  .parse(n.flags(), loc);
          atLeast(n, loc, 1);
          String network = f.string("network");
          if (network != null && !Set.of("default", "none", "host").contains(network)) {
            throw new InstructionException(
                "unsupported network mode \"" + network + "\" (default, none or host)",
                loc,
                "--network");
          }
          String security = f.string("security");
          if (security != null && !Set.of("sandbox", "insecure").contains(security)) {
            throw new InstructionException(
                "unsupported security mode \"" + security + "\" (sandbox or insecure)",
                loc,
                "--security");
          }
          return new Instruction.Run(
              loc, command(n), f.list("mount"), network, security, n.heredocs());
        }
      case "COPY":
        {
          FlagSet f =
              flags(n)
                  .add("from", Kind.STRING)
                  .add("chown", Kind.STRING)
                  .add("chmod", Kind.STRING)
                  .add("link", Kind.BOOL)
                  .add("parents", Kind.BOOL)
                  .add("exclude", Kind.LIST)
                  .parse(n.flags(), loc);
          atLeast(n, loc, 2);
          return new Instruction.Copy(
              loc,
              a.subList(0, a.size() - 1),
              a.get(a.size() - 1),
              f.string("from"),
              f.string("chown"),
              f.string("chmod"),
              f.bool("link"),
              f.bool("parents"),
              f.list("exclude"),
              n.heredocs());
        }
      case "ADD":
        {
          FlagSet f =
              flags(n)
                  .add("chown", Kind.STRING)
                  .add("chmod", Kind.STRING)
                  .add("link", Kind.BOOL)
                  .add("keep-git-dir", Kind.BOOL)
                  .add("checksum", Kind.STRING)
                  .add("exclude", Kind.LIST)
                  .parse(n.flags(), loc);
          atLeast(n, loc, 2);
          return new Instruction.Add(
              loc,
              a.subList(0, a.size() - 1),
              a.get(a.size() - 1),
              f.string("chown"),
              f.string("chmod"),
              f.bool("link"),
              f.bool("keep-git-dir"),
              f.string("checksum"),
              f.list("exclude"),
              n.heredocs());
        }
      case "ARG":
        {
          noFlags(n, loc);
          atLeast(n, loc, 1);
          List<KeyValue> decls = new ArrayList<>();
          for (String w : a) {
            int eq = w.indexOf('=');
            decls.add(
                eq < 0
                    ? new KeyValue(w, null)
                    : new KeyValue(w.substring(0, eq), w.substring(eq + 1)));
          }
          return new Instruction.Arg(loc, decls);
        }
      default:
        return ConfigInstructionParser.parse(n, loc);
    }
  }

  private static Instruction from(Node n, Location loc) throws InstructionException {
    FlagSet f = flags(n).add("platform", Kind.STRING).parse(n.flags(), loc);
    List<String> a = n.args();
    if (a.size() != 1 && !(a.size() == 3 && a.get(1).equalsIgnoreCase("as"))) {
      throw new InstructionException(
          "FROM requires either one or three arguments (FROM image [AS name])", loc, null);
    }
    String name = null;
    if (a.size() == 3) {
      name = a.get(2).toLowerCase(Locale.ROOT);
      if (!STAGE_NAME.matcher(name).matches()) {
        throw new InstructionException(
            "invalid name for build stage: \""
                + a.get(2)
                + "\", name can't start with a number or contain symbols",
            loc,
            a.get(2));
      }
    }
    return new Instruction.From(loc, a.get(0), name, f.string("platform"));
  }
}
