package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;

/**
 * The resource's state does not allow the request, and retrying will not change that (an ack of
 * a resolved incident). Maps to 409 without Retry-After, unlike {@link ConflictException}.
 */
final class StateConflictException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  StateConflictException(String message) {
    super(message);
  }
}
