package dev.strata.nshelper;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The locale a JVM of Strata runs under, and the caller's, which it sets aside. Java 17 takes the
 * charset of file names ({@code sun.jnu.encoding}) from the locale at start and ignores {@code
 * -Dsun.jnu.encoding} on the command line; without a UTF-8 locale (LANG unset, the norm in CI
 * images) every non-ASCII file name fails. So {@code bin/strata} starts the JVM with {@code
 * LC_ALL=C.UTF-8} (in every glibc) and keeps the caller's LC_ALL in {@value #CALLER_LC_ALL}: empty
 * when it was unset, {@code =VALUE} when set. A JVM Strata starts again gets the same; a command
 * run for the caller ({@code strata unshare}, a credential helper) gets the caller's back. Build
 * steps get neither: the sandbox gives them only the image's environment.
 */
public final class JvmLocale {
  /** The caller's LC_ALL, set aside: "" when it was unset, "=VALUE" when it was set. */
  public static final String CALLER_LC_ALL = "STRATA_CALLER_LC_ALL";

  /** A UTF-8 locale glibc always has (built in since 2.35, shipped by Debian long before). */
  public static final String UTF8_LOCALE = "C.UTF-8";

  private JvmLocale() {}

  /** Sets {@code env} for another JVM of Strata: a UTF-8 ctype, the caller's LC_ALL set aside. */
  public static void forStrataJvm(Map<String, String> env) {
    if (!env.containsKey(CALLER_LC_ALL)) {
      String lcAll = env.get("LC_ALL");
      env.put(CALLER_LC_ALL, lcAll == null ? "" : "=" + lcAll);
    }
    env.put("LC_ALL", UTF8_LOCALE);
  }

  /**
   * Gives {@code env} the caller's LC_ALL back, for a command run on the caller's behalf. Without a
   * record (the JVM was not started by bin/strata) it is the caller's already: nothing changes.
   */
  public static void forCallerCommand(Map<String, String> env) {
    String saved = env.remove(CALLER_LC_ALL);
    if (saved == null) {
      return;
    }
    if (saved.startsWith("=")) {
      env.put("LC_ALL", saved.substring(1));
    } else {
      env.remove("LC_ALL");
    }
  }

  /** The charset this JVM encodes and decodes file names in. */
  public static Charset fileNameCharset() {
    String name = System.getProperty("sun.jnu.encoding");
    try {
      return name == null ? Charset.defaultCharset() : Charset.forName(name);
    } catch (IllegalArgumentException e) {
      return StandardCharsets.US_ASCII;
    }
  }
}
