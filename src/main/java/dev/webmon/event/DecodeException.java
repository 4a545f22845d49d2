package dev.webmon.event;

import dev.webmon.WebmonException;
import java.io.Serial;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link EventCodec} refused an input. Unchecked but typed: {@link #error()} says why, {@link
 * #field()} which field (when one is to blame). The only exception the codec's decoders throw.
 */
public final class DecodeException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  private final DecodeError error;
  private final String field;

  DecodeException(DecodeError error, String field, String message) {
    this(error, field, message, null);
  }

  DecodeException(DecodeError error, String field, String message, Throwable cause) {
    super(
        error + (field == null ? "" : " at " + field) + ": " + message,
        cause);
    this.error = Objects.requireNonNull(error);
    this.field = field;
  }

  /** The kind of error; stable, suitable for metrics and DLQ headers. */
  public DecodeError error() {
    return error;
  }

  /** The JSON field to blame (e.g. {@code timings.dnsMicros}), if any. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
