package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** The resource does not exist. Maps to 404. */
final class NotFoundException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  NotFoundException(String message) {
    super(message);
  }

  NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
