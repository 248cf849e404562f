package dev.strata.frontend.instructions;

import dev.strata.frontend.parser.Node;

/**
 * The checks every instruction's parser makes on its node (the number of arguments, the flags it
 * takes), with the messages BuildKit gives, and the command a node holds.
 */
final class NodeArgs {
  private NodeArgs() {}

  /** The node's arguments as a command: exec form when written as JSON, else shell form. */
  static Command command(Node n) {
    return n.json() ? new Command(n.args(), true) : new Command(n.args(), false);
  }

  /** The flags of the node's keyword, to declare before parsing. */
  static FlagSet flags(Node n) {
    return new FlagSet(n.keyword());
  }

  /** Refuses any flag: the keyword takes none. */
  static void noFlags(Node n, Location loc) throws InstructionException {
    new FlagSet(n.keyword()).parse(n.flags(), loc);
  }

  static void atLeast(Node n, Location loc, int count) throws InstructionException {
    if (n.args().size() < count) {
      String what = count == 1 ? "at least one argument" : "at least two arguments";
      throw new InstructionException(n.keyword() + " requires " + what, loc, null);
    }
  }

  static void exactlyOne(Node n, Location loc) throws InstructionException {
    if (n.args().size() != 1) {
      throw new InstructionException(n.keyword() + " requires exactly one argument", loc, null);
    }
  }
}
