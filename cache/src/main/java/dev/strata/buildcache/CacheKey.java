package dev.strata.buildcache;

import dev.strata.oci.Digest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.TreeMap;

/**
 * A build step's cache key (DESIGN.md "Cache keys"): {@code key(n) = sha256(key(n-1) | canonical
 * instruction after expansion | inputs)}; a stage's first key comes from its base (the base
 * manifest digest, or "scratch").
 *
 * <p>This class alone owns the byte encoding, version-tagged so that a change of encoding never
 * matches old records: {@code "strata-cache-key/v1\n"}, then {@code "parent <key>\n"}, {@code
 * "instruction <len> <text>\n"} and one {@code "input <name> <len> <value>\n"} per input, sorted by
 * name; a layer step's inputs are {@link KeyInputs#encode()}'s entries. Lengths make the encoding
 * unambiguous whatever the text holds.
 *
 * <p>A step that does not depend on the layers below ({@code COPY --link}, BuildKit's MergeOp)
 * finds its record by a {@link #linked} key, whose parent line is the literal {@code "parent
 * linked\n"} (no digest can spell it), so a changed base or earlier step still hits; the key the
 * following steps chain from is the ordinary {@link #child} key, which covers everything.
 */
public record CacheKey(Digest digest) {
  private static final String VERSION = "strata-cache-key/v1\n";

  /** The key a stage starts from: its base image's manifest digest. */
  public static CacheKey base(Digest manifestDigest) {
    return derive("base " + manifestDigest, "", Map.of());
  }

  /** The key of a stage that starts from nothing ({@code FROM scratch}). */
  public static CacheKey scratch() {
    return derive("scratch", "", Map.of());
  }

  /** The key of the step that follows this one. */
  public CacheKey child(String canonicalInstruction, Map<String, String> inputs) {
    return derive(digest.toString(), canonicalInstruction, inputs);
  }

  /** The key of the step that follows this one, with typed inputs ({@link KeyInputs#encode()}). */
  public CacheKey child(String canonicalInstruction, KeyInputs inputs) {
    return child(canonicalInstruction, inputs.encode());
  }

  /** {@link #linked(String, Map)} with typed inputs. */
  public static CacheKey linked(String canonicalInstruction, KeyInputs inputs) {
    return linked(canonicalInstruction, inputs.encode());
  }

  /**
   * The record key of a step whose result does not depend on the layers below (COPY/ADD {@code
   * --link}): instruction and inputs only, no parent.
   */
  public static CacheKey linked(String canonicalInstruction, Map<String, String> inputs) {
    return derive("linked", canonicalInstruction, inputs);
  }

  private static CacheKey derive(String parent, String instruction, Map<String, String> inputs) {
    MessageDigest md = Digest.newSha256();
    StringBuilder sb = new StringBuilder(VERSION);
    sb.append("parent ").append(parent).append('\n');
    field(sb.append("instruction "), instruction);
    for (Map.Entry<String, String> e : new TreeMap<>(inputs).entrySet()) {
      sb.append("input ").append(e.getKey()).append(' ');
      field(sb, e.getValue());
    }
    md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
    return new CacheKey(Digest.fromSha256(md.digest()));
  }

  private static void field(StringBuilder sb, String v) {
    sb.append(v.getBytes(StandardCharsets.UTF_8).length).append(' ').append(v).append('\n');
  }

  @Override
  public String toString() {
    return digest.toString();
  }
}
