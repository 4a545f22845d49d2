package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** No valid login or API token. Maps to 401. */
final class UnauthorizedException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  UnauthorizedException(String message) {
    super(message);
  }

  UnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }
}
