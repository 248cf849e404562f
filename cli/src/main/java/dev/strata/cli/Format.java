package dev.strata.cli;

import java.time.Duration;
import java.time.Instant;

/** How sizes and times are shown to people (podman's style: "2.1 MB", "3 hours ago"). */
final class Format {
  private Format() {}

  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
  }

  static String ago(Instant t) {
    Duration d = Duration.between(t, Instant.now());
    if (d.isNegative()) {
      return t.toString();
    }
    long s = d.getSeconds();
    if (s < 60) {
      return s + " seconds ago";
    }
    if (s < 3600) {
      return s / 60 + " minutes ago";
    }
    if (s < 86400 * 2) {
      return s / 3600 + " hours ago";
    }
    if (s < 86400 * 60) {
      return s / 86400 + " days ago";
    }
    return t.toString().substring(0, 10);
  }
}
