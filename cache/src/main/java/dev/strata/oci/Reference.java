package dev.strata.oci;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image reference, {@code [domain/]path[:tag][@digest]}, with the grammar of
 * distribution/reference (docker, podman and skopeo accept the same names).
 *
 * @param domain registry host[:port], or null for a short name
 * @param path repository path, lower case
 * @param tag tag, or null
 * @param digest digest, or null
 */
public record Reference(String domain, String path, String tag, Digest digest) {
  // distribution/reference regexp.go, spelled out.
  private static final String ALNUM = "[a-z0-9]+";
  private static final String SEP = "(?:[._]|__|[-]+)";
  private static final String COMPONENT = ALNUM + "(?:" + SEP + ALNUM + ")*";
  private static final String DOMAIN_COMPONENT =
      "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
  private static final String DOMAIN =
      "(?:"
          + DOMAIN_COMPONENT
          + "(?:\\."
          + DOMAIN_COMPONENT
          + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
  private static final String TAG = "[\\w][\\w.-]{0,127}";
  private static final Pattern FULL =
      Pattern.compile(
          "^(?:("
              + DOMAIN
              + ")/)?("
              + COMPONENT
              + "(?:/"
              + COMPONENT
              + ")*)"
              + "(?::("
              + TAG
              + "))?(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$");
  private static final int MAX_NAME = 255;

  public Reference {
    if (path == null || path.isEmpty()) {
      throw new InvalidReferenceException("invalid reference: empty repository path");
    }
  }

  /**
   * Parses a reference as docker does: the first component is a domain only when it has a dot or a
   * port, or is {@code localhost}. Throws {@link InvalidReferenceException} naming the input.
   */
  public static Reference parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new InvalidReferenceException("invalid reference format: empty name");
    }
    Matcher m = FULL.matcher(s);
    if (!m.matches()) {
      String why =
          s.chars().anyMatch(Character::isUpperCase)
              ? " (repository names must be lower case)"
              : "";
      throw new InvalidReferenceException("invalid reference format: \"" + s + "\"" + why);
    }
    String domain = m.group(1);
    String path = m.group(2);
    if (domain != null
        && !domain.contains(".")
        && !domain.contains(":")
        && !domain.equals("localhost")
        && !domain.startsWith("[")) {
      // "library/busybox": the first component is part of the path, not a domain.
      path = domain + "/" + path;
      domain = null;
    }
    if (domain != null && !domain.equals(domain.toLowerCase()) && domain.contains(".") == false) {
      throw new InvalidReferenceException("invalid reference format: \"" + s + "\"");
    }
    if ((domain == null ? 0 : domain.length() + 1) + path.length() > MAX_NAME) {
      throw new InvalidReferenceException(
          "invalid reference format: \"" + s + "\": name longer than 255");
    }
    Digest d = null;
    if (m.group(4) != null) {
      try {
        d = Digest.parse(m.group(4));
      } catch (InvalidDigestException e) {
        throw new InvalidReferenceException(
            "invalid reference format: \"" + s + "\": " + e.getMessage());
      }
    }
    return new Reference(domain, path, m.group(3), d);
  }

  /** The same reference with tag {@code latest} when it has neither tag nor digest. */
  public Reference withDefaultTag() {
    return tag == null && digest == null ? new Reference(domain, path, "latest", null) : this;
  }

  /**
   * The short form docker shows: {@code docker.io/library/busybox:latest} is {@code
   * busybox:latest}. Strata names images in its store by this form.
   */
  public String familiar() {
    String d = domain;
    String p = path;
    if ("docker.io".equals(d) || "index.docker.io".equals(d)) {
      d = null;
      if (p.startsWith("library/") && p.indexOf('/', 8) < 0) {
        p = p.substring(8);
      }
    }
    StringBuilder sb = new StringBuilder();
    if (d != null) {
      sb.append(d).append('/');
    }
    sb.append(p);
    if (tag != null) {
      sb.append(':').append(tag);
    }
    if (digest != null) {
      sb.append('@').append(digest);
    }
    return sb.toString();
  }

  /** The repository without tag or digest, in familiar form. */
  public String repository() {
    return new Reference(domain, path, null, null).familiar();
  }

  @Override
  public String toString() {
    return familiar();
  }
}
