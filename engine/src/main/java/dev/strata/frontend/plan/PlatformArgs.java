package dev.strata.frontend.plan;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The automatic platform ARGs (Dockerfile reference, "Automatic platform ARGs in the global
 * scope"): TARGETPLATFORM, TARGETOS, TARGETARCH, TARGETVARIANT and the BUILD* set. They are in
 * scope for FROM lines without a declaration, and inside a stage once declared with {@code ARG
 * NAME}.
 */
final class PlatformArgs {
  private PlatformArgs() {}

  static Map<String, String> of(String target, String build) {
    Map<String, String> m = new LinkedHashMap<>();
    put(m, "TARGET", target);
    put(m, "BUILD", build);
    return m;
  }

  private static void put(Map<String, String> m, String prefix, String platform) {
    String[] p = platform.split("/", 3);
    m.put(prefix + "PLATFORM", platform);
    m.put(prefix + "OS", p[0]);
    m.put(prefix + "ARCH", p.length > 1 ? p[1] : "");
    m.put(prefix + "VARIANT", p.length > 2 ? p[2] : "");
  }
}
