package dev.strata.cli;

import java.time.Instant;

/** Creation times: {@code SOURCE_DATE_EPOCH} when set (reproducible builds), else now. */
final class Times {
  private Times() {}

  static Instant created() {
    String epoch = System.getenv("SOURCE_DATE_EPOCH");
    if (epoch != null && !epoch.isBlank()) {
      try {
        return Instant.ofEpochSecond(Long.parseLong(epoch.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "SOURCE_DATE_EPOCH=\"" + epoch + "\" is not a number of seconds");
      }
    }
    return Instant.now();
  }
}
