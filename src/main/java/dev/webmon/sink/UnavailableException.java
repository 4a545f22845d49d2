package dev.webmon.sink;

import dev.webmon.WebmonException;
import java.io.Serial;

/**
 * A batch could not be written because PostgreSQL or the dead-letter topic is unavailable (or
 * PostgreSQL refused the transaction for a reason unrelated to the batch's data). The sink keeps
 * the batch, pauses its partitions and retries with a backoff.
 */
final class UnavailableException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  /** What is unavailable, for the log: "PostgreSQL" or "The dead-letter topic". */
  private final String what;

  UnavailableException(String what, String message, Throwable cause) {
    super(message, cause);
    this.what = what;
  }

  String what() {
    return what;
  }
}
