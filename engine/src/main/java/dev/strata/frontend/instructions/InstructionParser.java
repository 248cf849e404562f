package dev.strata.frontend.instructions;

import dev.strata.frontend.instructions.FlagSet.Kind;
import dev.strata.frontend.parser.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives each {@link Node} its meaning (BuildKit's {@code instructions.ParseInstruction}): checks
 * the number of arguments and the flags, and builds the typed record. Nothing expands here.
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
  private static final Pattern DURATION =
      Pattern.compile("^([0-9]+(\\.[0-9]*)?(ns|us|\u00b5s|ms|s|m|h))+$|^0$");
  private static final Set<String> NOT_ONBUILD = Set.of("ONBUILD", "FROM", "MAINTAINER");

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
          parse(n.child()); // refuse what would fail when the trigger runs
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
              "unknown instruction \"" + word + "\"" + Suggest.didYouMean(word, KEYWORDS),
              loc,
              null);
        }
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

  private static Command command(Node n) {
    return n.json() ? new Command(n.args(), true) : new Command(n.args(), false);
  }

  private static List<KeyValue> pairs(List<String> triples) {
    List<KeyValue> out = new ArrayList<>();
    for (int i = 0; i + 1 < triples.size(); i += 3) {
      out.add(new KeyValue(triples.get(i), triples.get(i + 1)));
    }
    return out;
  }

  private static FlagSet flags(Node n) {
    return new FlagSet(n.keyword());
  }

  private static void noFlags(Node n, Location loc) throws InstructionException {
    new FlagSet(n.keyword()).parse(n.flags(), loc);
  }

  private static void atLeast(Node n, Location loc, int count) throws InstructionException {
    if (n.args().size() < count) {
      String what = count == 1 ? "at least one argument" : "at least two arguments";
      throw new InstructionException(n.keyword() + " requires " + what, loc, null);
    }
  }

  private static void exactlyOne(Node n, Location loc) throws InstructionException {
    if (n.args().size() != 1) {
      throw new InstructionException(n.keyword() + " requires exactly one argument", loc, null);
    }
  }
}
