package dev.webmon.store;

import dev.webmon.WebmonException;
import java.io.Serial;

/**
 * A dependency (PostgreSQL, Kafka, the dead-letter topic) is unavailable; nothing was written.
 * The web answers 503 with the message; the sink keeps its batch and retries with a backoff.
 */
public final class UnavailableException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  /** What is unavailable, for the log: "PostgreSQL", "Kafka", "The dead-letter topic ...". */
  private final String what;

  public UnavailableException(String what, String message, Throwable cause) {
    super(message, cause);
    this.what = what;
  }

  public UnavailableException(String what, String message) {
    super(message);
    this.what = what;
  }

  /** What is unavailable. */
  public String what() {
    return what;
  }
}
