package dev.webmon.notifier;

import dev.webmon.WebmonException;
import java.io.Serial;

/** A user's template that does not compile or render; the message names the field and Pebble's error. */
final class TemplateException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  private final String field;

  TemplateException(String field, String message, Throwable cause) {
    super(field + ": " + message, cause);
    this.field = field;
  }

  /** {@code subject} or {@code body}. */
  String field() {
    return field;
  }
}
