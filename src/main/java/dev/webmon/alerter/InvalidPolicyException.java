package dev.webmon.alerter;

import dev.webmon.WebmonException;

/** A {@link Policy} field has a value outside its accepted range; the message names the field. */
final class InvalidPolicyException extends WebmonException {
  private static final long serialVersionUID = 1L;

  private final String field;

  InvalidPolicyException(String field, String problem) {
    super("policy field " + field + " " + problem);
    this.field = field;
  }

  /** The offending field, e.g. {@code failureThreshold}. */
  String field() {
    return field;
  }
}
