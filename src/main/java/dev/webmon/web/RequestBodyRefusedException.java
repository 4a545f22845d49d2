package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/**
 * A request body refused before it is read: 411 (no length given), 413 (too large) or 415
 * (multipart).
 */
final class RequestBodyRefusedException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  private final int status;

  RequestBodyRefusedException(int status, String message) {
    super(message);
    if (status != 411 && status != 413 && status != 415) {
      throw new IllegalArgumentException("not a body status: " + status);
    }
    this.status = status;
  }

  int status() {
    return status;
  }
}
