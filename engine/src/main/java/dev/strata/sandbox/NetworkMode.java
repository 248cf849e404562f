package dev.strata.sandbox;

import java.util.Locale;

/** {@code --network}: the host's network, or a network namespace with only {@code lo}. */
public enum NetworkMode {
  /** The host's interfaces; its resolv.conf and hosts are bound in read-only. */
  HOST,
  /** A new network namespace with only loopback, up. */
  NONE;

  /** The word used by {@code --network} and the helper. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code word} (host or none). */
  public static NetworkMode parse(String word) {
    for (NetworkMode m : values()) {
      if (m.word().equals(word)) {
        return m;
      }
    }
    throw new IllegalArgumentException(
        "unknown network mode \"" + word + "\": expected host or none");
  }
}
