package dev.strata.frontend.instructions;

/** One {@code key=value} of ENV or LABEL, or {@code name[=default]} of ARG (value null: none). */
public record KeyValue(String key, String value) {
  @Override
  public String toString() {
    return value == null ? key : key + "=" + value;
  }
}
