package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/** The request conflicts with the current state (e.g. a stale If-Match version). Maps to 409. */
final class ConflictException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  ConflictException(String message) {
    super(message);
  }

  ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
