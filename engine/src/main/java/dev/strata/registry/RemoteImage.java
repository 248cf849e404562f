package dev.strata.registry;

import dev.strata.oci.Digest;
import dev.strata.oci.Reference;

/**
 * A reference resolved to a registry: short names are Docker Hub's ({@code busybox} is {@code
 * docker.io/library/busybox:latest}), as docker and podman (with docker.io as the only
 * unqualified-search registry) read them.
 *
 * @param registry the registry host as users write it ({@code docker.io}, {@code 127.0.0.1:5000})
 * @param repository the repository path on that registry ({@code library/busybox})
 * @param tag the tag, or null when pulling by digest only
 * @param digest the manifest digest, or null
 */
public record RemoteImage(String registry, String repository, String tag, Digest digest) {
  public static final String DOCKER_HUB = "docker.io";

  public static RemoteImage of(Reference ref) {
    Reference r = ref.withDefaultTag();
    String registry = r.domain() == null ? DOCKER_HUB : r.domain();
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    String repo = r.path();
    if (registry.equals(DOCKER_HUB) && repo.indexOf('/') < 0) {
      repo = "library/" + repo;
    }
    return new RemoteImage(registry, repo, r.tag(), r.digest());
  }

  public static RemoteImage parse(String s) {
    return of(Reference.parse(s));
  }

  /** The same image on another registry (a mirror). */
  public RemoteImage on(String otherRegistry) {
    return new RemoteImage(otherRegistry, repository, tag, digest);
  }

  /** What the manifests endpoint is asked for: the digest when there is one, else the tag. */
  public String manifestReference() {
    return digest != null ? digest.toString() : tag;
  }

  /** The familiar name Strata stores the image under ({@code busybox:latest}). */
  public String familiar() {
    return new Reference(registry, repository, tag, digest).familiar();
  }

  /** {@code registry/repository} */
  public String repositoryUrlPart() {
    return registry + "/" + repository;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(registry).append('/').append(repository);
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }
}
