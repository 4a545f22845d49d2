package dev.webmon.config;

import java.util.Objects;

/**
 * A secret value (password, token). {@link #toString()} never reveals it, so a secret that ends
 * up in a log line, an exception message or a record's toString shows as {@code ******}.
 */
public record Secret(String value) {
  public Secret {
    Objects.requireNonNull(value, "value");
  }

  /** The clear text, for handing to a driver or client. Never log it. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public String toString() {
    return "******";
  }
}
