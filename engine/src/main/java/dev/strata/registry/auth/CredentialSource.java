package dev.strata.registry.auth;

import java.util.Optional;

/** Finds the credentials for a registry host ({@code docker.io}, {@code 127.0.0.1:5000}). */
@FunctionalInterface
public interface CredentialSource {
  Optional<Credentials> find(String registry);

  /** No credentials anywhere: every request is anonymous. */
  static CredentialSource anonymous() {
    return r -> Optional.empty();
  }
}
