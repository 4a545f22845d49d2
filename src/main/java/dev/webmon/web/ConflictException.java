package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** Another write of the same target is in flight (its version lease is live). Maps to 409 with Retry-After. */
final class ConflictException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  ConflictException(String message) {
    super(message);
  }
}
