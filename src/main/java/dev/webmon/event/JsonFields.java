package dev.webmon.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads one typed field value from the token a parser is on, throwing {@link DecodeException}
 * (WRONG_TYPE or INVALID_VALUE, naming the field) for anything else. Stateless.
 */
final class JsonFields {
  private static final UriCache URIS = new UriCache();

  private JsonFields() {}

  static DecodeException wrongType(String field, String expected, JsonToken actual) {
    return new DecodeException(
        DecodeError.WRONG_TYPE, field, "expected " + expected + ", got " + describe(actual));
  }

  static DecodeException invalid(String field, String problem) {
    return new DecodeException(DecodeError.INVALID_VALUE, field, problem);
  }

  static DecodeException duplicate(String field) {
    return new DecodeException(DecodeError.MALFORMED_JSON, field, "duplicate key");
  }

  /**
   * Marks bit {@code bit} of {@code seen} for {@code field}; a second time means a duplicate key.
   * (The codec checks duplicates itself: Jackson's detector hashes every name, a large share of
   * the decoding time.)
   */
  static int mark(int seen, int bit, String field) {
    int mask = 1 << bit;
    if ((seen & mask) != 0) {
      throw duplicate(field);
    }
    return seen | mask;
  }

  /**
   * Fails with MISSING_FIELD naming the first of {@code required} whose bit (its index) is not
   * set in {@code seen}.
   */
  static void requireAll(int seen, String[] required) {
    for (int i = 0; i < required.length; i++) {
      if ((seen & (1 << i)) == 0) {
        throw new DecodeException(DecodeError.MISSING_FIELD, required[i], "is required");
      }
    }
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT -> "an integer";
      case VALUE_NUMBER_FLOAT -> "a decimal number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }

  static String string(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    return p.getText();
  }

  static long int64(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(field, "an integer", t);
    }
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw invalid(field, "is out of the 64-bit integer range");
    }
    return p.getLongValue();
  }

  static int int32(JsonParser p, String field) throws IOException {
    long v = int64(p, field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw invalid(field, "is out of range: " + v);
    }
    return (int) v;
  }

  static Instant instant(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    Instant i = Instants.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (i == null) {
      throw invalid(field, "must be an ISO-8601 UTC instant like 2026-01-31T23:59:59.123Z");
    }
    return i;
  }

  static UUID uuid(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_STRING) {
      throw wrongType(field, "a string", t);
    }
    UUID u = parseUuid(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    if (u == null) {
      throw invalid(field, "must be a UUID in 8-4-4-4-12 hex form");
    }
    return u;
  }

  /** Strict 36-character form only (UUID.fromString accepts short groups). */
  static UUID parseUuid(char[] s, int off, int len) {
    if (len != 36
        || s[off + 8] != '-'
        || s[off + 13] != '-'
        || s[off + 18] != '-'
        || s[off + 23] != '-') {
      return null;
    }
    long msb = 0;
    long lsb = 0;
    int digits = 0;
    for (int i = 0; i < 36; i++) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        continue;
      }
      int d = Character.digit(s[off + i], 16);
      if (d < 0 || s[off + i] > 'f') {
        return null;
      }
      if (digits < 16) {
        msb = (msb << 4) | d;
      } else {
        lsb = (lsb << 4) | d;
      }
      digits++;
    }
    return new UUID(msb, lsb);
  }

  static URI uri(JsonParser p, String field) throws IOException {
    String text = string(p, field);
    if (text.length() > Validate.MAX_URL_CHARS) {
      throw invalid(field, "must be at most " + Validate.MAX_URL_CHARS + " characters");
    }
    try {
      return URIS.parse(text);
    } catch (URISyntaxException e) {
      throw invalid(field, "is not a valid URI: " + e.getReason());
    }
  }

  static Duration duration(JsonParser p, String field) throws IOException {
    String text = string(p, field);
    // Duration.parse is case-insensitive and takes signs; the wire form is Duration.toString's.
    if (text.length() > 40
        || !text.startsWith("P")
        || !text.equals(text.toUpperCase(Locale.ROOT))) {
      throw invalid(field, "must be an ISO-8601 duration like PT1M or PT0.5S");
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw invalid(field, "must be an ISO-8601 duration like PT1M or PT0.5S");
    }
  }

  static <E extends Enum<E>> E enumValue(JsonParser p, String field, Class<E> type)
      throws IOException {
    String text = string(p, field);
    try {
      return Enum.valueOf(type, text);
    } catch (IllegalArgumentException e) {
      throw invalid(field, "is not one of " + Arrays.toString(type.getEnumConstants()));
    }
  }

  /**
   * The array of strings the parser is on (field {@code field}); INVALID_VALUE past {@code max}
   * elements (the record's own limit may be lower and say more).
   */
  static List<String> strings(JsonParser p, String field, int max) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw wrongType(field, "an array", p.currentToken());
    }
    List<String> values = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        throw wrongType(field + "[" + values.size() + "]", "a string", t);
      }
      if (values.size() >= max) {
        throw invalid(field, "at most " + max + " allowed");
      }
      values.add(p.getText());
    }
    return values;
  }

  /** Fails with WRONG_TYPE unless the parser is on the start of an object. */
  static void startObject(JsonParser p, String field) {
    if (p.currentToken() != JsonToken.START_OBJECT) {
      throw wrongType(field, "an object", p.currentToken());
    }
  }
}
