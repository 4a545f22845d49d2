package dev.webmon.web;

import java.util.Objects;

/**
 * One invalid input field and what is wrong with it, in words for the user.
 *
 * @param field the field's name as the client sent it ({@code url}, {@code headers.X-Foo}, {@code targets[3].url})
 * @param message what is wrong and what is accepted; never repeats a secret value
 */
record FieldError(String field, String message) {
  FieldError {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }
}
