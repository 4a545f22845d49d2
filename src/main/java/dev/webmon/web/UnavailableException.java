package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** A dependency (Kafka, PostgreSQL) is unavailable; nothing was written. Maps to 503. */
final class UnavailableException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  UnavailableException(String message) {
    super(message);
  }

  UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
