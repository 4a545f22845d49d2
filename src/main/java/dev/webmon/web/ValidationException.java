package dev.webmon.web;

import dev.webmon.WebmonException;
import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** Input that cannot be accepted; names every offending field. Maps to 400. */
final class ValidationException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  private final transient List<FieldError> errors;

  ValidationException(List<FieldError> errors) {
    super(summary(errors));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("a validation failure needs at least one field error");
    }
    this.errors = List.copyOf(errors);
  }

  ValidationException(String field, String message) {
    this(List.of(new FieldError(field, message)));
  }

  List<FieldError> errors() {
    return errors;
  }

  private static String summary(List<FieldError> errors) {
    return errors.stream().map(e -> e.field() + ": " + e.message()).collect(Collectors.joining("; "));
  }
}
