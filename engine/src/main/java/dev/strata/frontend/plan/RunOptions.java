package dev.strata.frontend.plan;

import dev.strata.frontend.instructions.Instruction;

/**
 * A RUN's {@code --network} and {@code --security}, as values (the instruction parser has refused
 * any other word, as BuildKit's parseNetwork and parseSecurity do).
 */
public record RunOptions(Network network, Security security) {
  /** {@code --network}: DEFAULT is the build's own ({@code strata build --network}). */
  public enum Network {
    DEFAULT,
    NONE,
    HOST
  }

  /** {@code --security}: INSECURE needs the build's {@code --allow security.insecure}. */
  public enum Security {
    SANDBOX,
    INSECURE
  }

  static RunOptions of(Instruction.Run r) {
    Network n =
        r.network() == null
            ? Network.DEFAULT
            : switch (r.network()) {
              case "none" -> Network.NONE;
              case "host" -> Network.HOST;
              default -> Network.DEFAULT;
            };
    Security s = "insecure".equals(r.security()) ? Security.INSECURE : Security.SANDBOX;
    return new RunOptions(n, s);
  }
}
