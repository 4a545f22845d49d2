package dev.webmon.notifier;

import dev.webmon.WebmonException;
import java.io.Serial;

/** A channel setting that cannot work; names the setting, never its (possibly secret) value. */
final class InvalidSettingException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  private final String field;

  InvalidSettingException(String field, String problem) {
    super(field + " " + problem);
    this.field = field;
  }

  InvalidSettingException(String field, String problem, Throwable cause) {
    super(field + " " + problem, cause);
    this.field = field;
  }

  String field() {
    return field;
  }
}
