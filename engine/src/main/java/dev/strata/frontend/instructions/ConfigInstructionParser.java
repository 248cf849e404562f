package dev.strata.frontend.instructions;

import static dev.strata.frontend.instructions.NodeArgs.atLeast;
import static dev.strata.frontend.instructions.NodeArgs.command;
import static dev.strata.frontend.instructions.NodeArgs.exactlyOne;
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
 * {@link InstructionParser} for the instructions that only change the image config (see {@link
 * ConfigInstructions}), and the refusal of an unknown keyword.
 */
final class ConfigInstructionParser {
  private static final Pattern DURATION =
      Pattern.compile("^([0-9]+(\\.[0-9]*)?(ns|us|\u00b5s|ms|s|m|h))+$|^0$");
  private static final Set<String> NOT_ONBUILD = Set.of("ONBUILD", "FROM", "MAINTAINER");

  private ConfigInstructionParser() {}

  static Instruction parse(Node n, Location loc) throws InstructionException {
    List<String> a = n.args();
    switch (n.keyword()) {
      case "ENV":
        noFlags(n, loc);
        atLeast(n, loc, 1);
        return new Instruction.Env(loc, pairs(a));
      case "LABEL":
        noFlags(n, loc);
        atLeast(n, loc, 1);
        return new Instruction.Label(loc, pairs(a));
      case "EXPOSE":
        noFlags(n, loc);
        atLeast(n, loc, 1);
        return new Instruction.Expose(loc, a);
      case "USER":
        noFlags(n, loc);
        exactlyOne(n, loc);
        return new Instruction.User(loc, a.get(0));
      case "WORKDIR":
        noFlags(n, loc);
        exactlyOne(n, loc);
        return new Instruction.Workdir(loc, a.get(0));
      case "STOPSIGNAL":
        noFlags(n, loc);
        exactlyOne(n, loc);
        return new Instruction.StopSignal(loc, a.get(0));
      case "MAINTAINER":
        noFlags(n, loc);
        exactlyOne(n, loc);
        return new Instruction.Maintainer(loc, a.get(0));
      case "VOLUME":
        noFlags(n, loc);
        atLeast(n, loc, 1);
        return new Instruction.Volume(loc, a);
      case "CMD":
        noFlags(n, loc);
        return new Instruction.Cmd(loc, command(n));
      case "ENTRYPOINT":
        noFlags(n, loc);
        return new Instruction.Entrypoint(loc, command(n));
      case "SHELL":
        noFlags(n, loc);
        atLeast(n, loc, 1);
        if (!n.json()) {
          throw new InstructionException(
              "SHELL requires the arguments to be in JSON form", loc, null);
        }
        return new Instruction.Shell(loc, a);
      case "HEALTHCHECK":
        return healthcheck(n, loc);
      case "ONBUILD":
        {
          noFlags(n, loc);
          if (n.child() == null) {
            throw new InstructionException("ONBUILD requires at least one argument", loc, null);
          }
          if (NOT_ONBUILD.contains(n.child().keyword())) {
            throw new InstructionException(
                n.child().keyword() + " isn't allowed as an ONBUILD trigger", loc, null);
          }
          InstructionParser.parse(n.child()); // refuse what would fail when the trigger runs
          StringBuilder trigger = new StringBuilder(n.rest());
          for (var h : n.heredocs()) {
            trigger.append('\n').append(h.content()).append(h.name());
          }
          return new Instruction.Onbuild(loc, trigger.toString(), n.heredocs());
        }
      default:
        {
          String word = n.original().strip().split("[\\s]+", 2)[0];
          throw new InstructionException(
              "unknown instruction \""
                  + word
                  + "\""
                  + Suggest.didYouMean(word, InstructionParser.KEYWORDS),
              loc,
              null);
        }
    }
  }

  private static Instruction healthcheck(Node n, Location loc) throws InstructionException {
    FlagSet f =
        flags(n)
            .add("interval", Kind.STRING)
            .add("timeout", Kind.STRING)
            .add("start-period", Kind.STRING)
            .add("start-interval", Kind.STRING)
            .add("retries", Kind.STRING)
            .parse(n.flags(), loc);
    List<String> a = n.args();
    atLeast(n, loc, 1);
    String type = a.get(0).toUpperCase(Locale.ROOT);
    if (type.equals("NONE")) {
      if (a.size() > 1) {
        throw new InstructionException("HEALTHCHECK NONE takes no arguments", loc, null);
      }
      return new Instruction.Healthcheck(loc, null, null, null, null, null, null);
    }
    if (!type.equals("CMD")) {
      throw new InstructionException(
          "unknown type \"" + a.get(0) + "\" in HEALTHCHECK (try CMD)", loc, a.get(0));
    }
    if (a.size() < 2) {
      throw new InstructionException("missing command after HEALTHCHECK CMD", loc, null);
    }
    for (String d : List.of("interval", "timeout", "start-period", "start-interval")) {
      String v = f.string(d);
      if (v != null && !DURATION.matcher(v).matches()) {
        throw new InstructionException(
            "invalid duration for --" + d + ": \"" + v + "\"", loc, "--" + d);
      }
    }
    Integer retries = null;
    if (f.string("retries") != null) {
      try {
        retries = Integer.valueOf(f.string("retries"));
      } catch (NumberFormatException e) {
        throw new InstructionException(
            "--retries must be a number, not \"" + f.string("retries") + "\"", loc, "--retries");
      }
      if (retries < 0) {
        throw new InstructionException(
            "--retries cannot be negative (" + retries + ")", loc, "--retries");
      }
    }
    Command cmd = new Command(a.subList(1, a.size()), n.json());
    return new Instruction.Healthcheck(
        loc,
        cmd,
        f.string("interval"),
        f.string("timeout"),
        f.string("start-period"),
        f.string("start-interval"),
        retries);
  }

  private static List<KeyValue> pairs(List<String> triples) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = 0; i + 1 < triples.size(); i += 3) {
      out.add(new KeyValue(triples.get(i), triples.get(i + 1)));
    }
    return out;
  }
}
