package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** The If-Match version is not the current one. Maps to 412. */
final class PreconditionFailedException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  PreconditionFailedException(String message) {
    super(message);
  }

  PreconditionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
