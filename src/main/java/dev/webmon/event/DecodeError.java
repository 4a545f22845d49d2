package dev.webmon.event;

/** Why {@link EventCodec} refused to decode a record. See {@code docs/events.md}. */
public enum DecodeError {
  /** The input is null, has no bytes, or only whitespace. */
  EMPTY,
  /** The input is larger than the codec's limit. */
  OVERSIZED,
  /** The input is not well-formed UTF-8 (including overlong forms and encoded surrogates). */
  INVALID_UTF8,
  /**
   * The input is not a single well-formed JSON value: syntax error, trailing content, duplicate
   * key, a NUL byte or byte-order mark, or nesting deeper than the limit.
   */
  MALFORMED_JSON,
  /** A required field is absent. */
  MISSING_FIELD,
  /** A field has the wrong JSON type (including {@code null}, which is never written). */
  WRONG_TYPE,
  /** A field has the right JSON type but a value outside its contract. */
  INVALID_VALUE,
  /** The schema version's major is not one this codec understands. */
  UNSUPPORTED_VERSION
}
