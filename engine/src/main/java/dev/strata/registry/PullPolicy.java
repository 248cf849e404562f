package dev.strata.registry;

import java.util.Locale;

/** When a base image is fetched ({@code --pull=always|missing|never}, podman's names). */
public enum PullPolicy {
  /** Ask the registry every time; reuse local blobs when the digest has not changed. */
  ALWAYS,
  /** Use the local image when the store has it; pull otherwise (the default). */
  MISSING,
  /** Never touch the network; a missing image is an error. */
  NEVER;

  public static PullPolicy parse(String s) {
    try {
      return valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid pull policy \"" + s + "\": always, missing or never");
    }
  }
}
