package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** Authenticated but not allowed (e.g. a form without a valid CSRF token). Maps to 403. */
final class ForbiddenException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  ForbiddenException(String message) {
    super(message);
  }

  ForbiddenException(String message, Throwable cause) {
    super(message, cause);
  }
}
