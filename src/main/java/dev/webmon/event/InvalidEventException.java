package dev.webmon.event;

import dev.webmon.WebmonException;
import java.io.Serial;

/**
 * An event value violates its contract, e.g. a {@link TargetSpec} with an interval of one second.
 * Thrown by the compact constructors and builders of this package and by {@link EventCodec}'s
 * encoders. The message starts with the field's name; it never repeats header or body values,
 * which may be secrets.
 */
public final class InvalidEventException extends WebmonException {
  @Serial private static final long serialVersionUID = 1L;

  /** The offending field, e.g. {@code interval} or {@code timings.dnsMicros}. */
  private final String field;

  /**
   * @param field the offending field's name as it appears in the JSON form
   * @param problem what is wrong, without the offending value if it may be secret
   */
  public InvalidEventException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  /** The name of the offending field as it appears in the JSON form. */
  public String field() {
    return field;
  }
}
