package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** Too many attempts; try again later. Maps to 429. */
final class TooManyRequestsException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  TooManyRequestsException(String message) {
    super(message);
  }

  TooManyRequestsException(String message, Throwable cause) {
    super(message, cause);
  }
}
