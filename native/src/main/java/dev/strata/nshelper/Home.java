package dev.strata.nshelper;

/**
 * The user's home directory. {@code $HOME} first: inside Strata's user namespace the process is uid
 * 0, so the JVM's {@code user.home} (from the passwd entry of uid 0) would say /root.
 */
public final class Home {
  private Home() {}

  public static String dir() {
    String h = System.getenv("HOME");
    return h != null && !h.isEmpty() ? h : System.getProperty("user.home");
  }
}
