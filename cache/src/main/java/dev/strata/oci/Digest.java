package dev.strata.oci;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A content digest, {@code algorithm:hex}, validated at creation (image-spec descriptor.md,
 * "Digests"). Only sha256 and sha512 are registered algorithms; Strata writes sha256.
 *
 * @param algorithm {@code sha256} or {@code sha512}
 * @param hex lower-case hex of the digest bytes, of the algorithm's length
 */
public record Digest(String algorithm, String hex) implements Comparable<Digest> {
  private static final Map<String, Integer> HEX_LENGTH = Map.of("sha256", 64, "sha512", 128);
  private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

  public Digest {
    Integer len = HEX_LENGTH.get(algorithm);
    String shown = algorithm + ":" + hex;
    if (len == null) {
      throw new InvalidDigestException(
          "cannot parse digest \"" + shown + "\": unsupported algorithm \"" + algorithm + "\"");
    }
    if (hex == null || hex.length() != len) {
      throw new InvalidDigestException(
          "cannot parse digest \"" + shown + "\": wrong number of hex digits (want " + len + ")");
    }
    if (!HEX.matcher(hex).matches()) {
      throw new InvalidDigestException("cannot parse digest \"" + shown + "\": not lower-case hex");
    }
  }

  /** Parses {@code sha256:<64 hex>}; throws {@link InvalidDigestException} naming the input. */
  public static Digest parse(String s) {
    if (s == null) {
      throw new InvalidDigestException("cannot parse digest: null");
    }
    int colon = s.indexOf(':');
    if (colon <= 0) {
      throw new InvalidDigestException("cannot parse digest \"" + s + "\": no algorithm prefix");
    }
    return new Digest(s.substring(0, colon), s.substring(colon + 1));
  }

  /** The sha256 digest of raw bytes in hand (small documents only: manifests, configs). */
  public static Digest sha256(byte[] bytes) {
    return fromSha256(newSha256().digest(bytes));
  }

  /** The digest whose bytes a finished sha256 {@link MessageDigest} computed. */
  public static Digest fromSha256(byte[] digestBytes) {
    return new Digest("sha256", HexFormat.of().formatHex(digestBytes));
  }

  /** A fresh sha256 {@link MessageDigest}. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** A short form for tables: the first 12 hex digits, as docker and podman show ids. */
  public String shortHex() {
    return hex.substring(0, 12);
  }

  @Override
  public int compareTo(Digest o) {
    return toString().compareTo(o.toString());
  }

  /** The JSON and on-disk form, {@code sha256:abc...}. */
  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
