package dev.strata.registry;

import dev.strata.oci.Descriptor;
import dev.strata.oci.Digest;
import dev.strata.oci.Manifest;
import dev.strata.oci.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An OCI artifact in one repository (a manifest under a tag, its config and its blobs), read and
 * written on the sessions pulls and pushes use: the same mirrors, credentials, retries, offline
 * switch and limits. The registry build cache ({@code --cache-to/--cache-from type=registry}) is
 * such an artifact.
 */
public final class ArtifactRepository {
  private final Repository repo;
  private final RegistryOptions opts;

  private ArtifactRepository(Repository repo, RegistryOptions opts) {
    this.repo = repo;
    this.opts = opts;
  }

  /** A manifest read from a repository, and where its blobs are read from. */
  public record Pulled(ArtifactRepository repository, Manifest manifest, Digest digest) {}

  /**
   * Reads the image manifest {@code ref} names: from each mirror of its registry in order, then
   * from the registry, as a pull does; the blobs are read from the source that answered.
   */
  public static Pulled pull(RemoteImage ref, RegistryOptions opts) {
    List<String> sources = new ArrayList<>(opts.config().registry(ref.registry()).mirrors());
    sources.add(ref.registry());
    List<String> failed = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      RemoteImage src = ref.on(sources.get(i));
      HttpSession http =
          new HttpSession(
              src.registry(), List.of("repository:" + src.repository() + ":pull"), opts);
      Repository repo = new Repository(http, src.repository(), opts);
      try {
        Repository.Document doc = repo.manifest(src.manifestReference(), src.digest());
        if (!MediaType.isManifest(doc.mediaType())) {
          throw new RegistryException(
              "fetch manifest " + src + ": " + doc.mediaType() + " is not an image manifest");
        }
        Manifest m;
        try {
          m = Manifest.parse(doc.bytes(), doc.mediaType());
        } catch (IllegalArgumentException e) {
          throw new RegistryException("fetch manifest " + src + ": invalid: " + e.getMessage());
        }
        return new Pulled(new ArtifactRepository(repo, opts), m, doc.digest());
      } catch (OfflineException e) {
        throw e;
      } catch (RegistryException e) {
        if (i == sources.size() - 1) {
          throw failed.isEmpty()
              ? e
              : new RegistryException(
                  e.getMessage() + " (mirrors failed first: " + String.join("; ", failed) + ")", e);
        }
        failed.add(src.registry() + ": " + e.getMessage());
      }
    }
    throw new IllegalStateException("no source"); // unreachable: sources always has the registry
  }

  /**
   * The repository {@code ref} names, to push to; {@code mountFrom} are repositories of the same
   * registry blobs may be mounted from (their pull scope is asked for with the push scope).
   */
  public static ArtifactRepository forPush(
      RemoteImage ref, List<String> mountFrom, RegistryOptions opts) {
    List<String> scopes = new ArrayList<>(List.of("repository:" + ref.repository() + ":pull,push"));
    mountFrom.forEach(r -> scopes.add("repository:" + r + ":pull"));
    return new ArtifactRepository(
        new Repository(new HttpSession(ref.registry(), scopes, opts), ref.repository(), opts),
        opts);
  }

  /** {@code registry/repository}, as messages name it. */
  public String shown() {
    return repo.shown();
  }

  /** A small blob (a config) read whole, checked against its digest and {@code max}. */
  public byte[] smallBlob(Descriptor d, long max) {
    return repo.smallBlob(d, max);
  }

  /** A blob's bytes as they stream: at most {@code d.size()}; the caller checks the digest. */
  public InputStream blob(Descriptor d) throws IOException {
    try {
      return repo.blob(d);
    } catch (RegistryException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /** Does the repository hold {@code d} (HEAD)? */
  public boolean hasBlob(Digest d) {
    return repo.hasBlob(d);
  }

  /** Where a blob's bytes are read again from, for an upload that must start over. */
  public interface BlobBytes {
    InputStream open() throws IOException;
  }

  /**
   * Uploads {@code d} unless the repository holds it: mounted from {@code mountFrom} (may be null)
   * when that repository has it, else sent. What happened, for the caller's count.
   */
  public Sent push(Descriptor d, BlobBytes bytes, String mountFrom) {
    if (repo.hasBlob(d.digest())) {
      opts.progress().finished("Copying blob", d.digest(), d.size(), true);
      return Sent.PRESENT;
    }
    opts.progress().started("Copying blob", d.digest(), d.size());
    boolean mounted = repo.upload(d.digest(), d.size(), bytes::open, mountFrom);
    opts.progress().finished("Copying blob", d.digest(), d.size(), mounted);
    return mounted ? Sent.MOUNTED : Sent.UPLOADED;
  }

  /** What {@link #push} did with a blob. */
  public enum Sent {
    PRESENT,
    MOUNTED,
    UPLOADED
  }

  /** PUTs {@code bytes} as the manifest tagged {@code tag}; its digest. */
  public Digest putManifest(String tag, byte[] bytes, String mediaType) {
    return repo.putManifest(tag, bytes, mediaType);
  }
}
