package dev.webmon.event;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** Shared checks of the event records; each throws {@link InvalidEventException}. */
final class Validate {
  /** Earliest instant an event may carry: the Unix epoch. */
  static final Instant MIN_INSTANT = Instant.EPOCH;

  /** Latest instant an event may carry: the end of year 9999 (four-digit years on the wire). */
  static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

  static final int MAX_URL_CHARS = 2048;

  private Validate() {}

  static <T> T notNull(T value, String field) {
    if (value == null) {
      throw new InvalidEventException(field, "is required");
    }
    return value;
  }

  /** An identifier: 1 to {@code max} chars of {@code [A-Za-z0-9_-]} plus {@code extra}. */
  static String identifier(String value, String field, int max, String extra) {
    notNull(value, field);
    int n = value.length();
    if (n == 0 || n > max) {
      throw new InvalidEventException(field, "must be 1 to " + max + " characters, got " + n);
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-'
              || extra.indexOf(c) >= 0;
      if (!ok) {
        throw new InvalidEventException(
            field, "may only contain [A-Za-z0-9_-" + extra + "], found '" + printable(c) + "'");
      }
    }
    return value;
  }

  /**
   * Refuses U+0000, which PostgreSQL can store neither in text nor in jsonb: a target carrying it
   * could be published but never stored.
   */
  static String noNul(String value, String field) {
    int i = value.indexOf('\0');
    if (i >= 0) {
      throw new InvalidEventException(field, "contains a NUL character (U+0000) at index " + i + ", which cannot be stored");
    }
    return value;
  }

  /**
   * Free text: at most {@code max} chars, well-formed UTF-16 (no unpaired surrogate, which UTF-8
   * cannot carry), and, unless {@code controlsAllowed}, no ISO control characters.
   */
  static String text(String value, String field, int min, int max, boolean controlsAllowed) {
    notNull(value, field);
    int n = value.length();
    if (n < min || n > max) {
      throw new InvalidEventException(
          field, "must be " + min + " to " + max + " characters, got " + n);
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
          continue;
        }
        throw new InvalidEventException(field, "contains an unpaired surrogate at index " + i);
      }
      if (Character.isLowSurrogate(c)) {
        throw new InvalidEventException(field, "contains an unpaired surrogate at index " + i);
      }
      if (!controlsAllowed && Character.isISOControl(c)) {
        throw new InvalidEventException(field, "contains a control character at index " + i);
      }
    }
    return value;
  }

  /** An absolute http(s) URL with a host, at most 2048 characters, without user info. */
  static URI httpUrl(URI url, String field) {
    notNull(url, field);
    if (!url.isAbsolute() || url.isOpaque()) {
      throw new InvalidEventException(field, "must be an absolute http or https URL");
    }
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new InvalidEventException(field, "scheme must be http or https, got " + scheme);
    }
    if (url.getHost() == null) {
      throw new InvalidEventException(field, "must have a host name or IP address");
    }
    if (url.getRawUserInfo() != null) {
      // Credentials in URLs leak into logs and the UI; use an Authorization header instead.
      throw new InvalidEventException(field, "must not contain user info (use a header)");
    }
    String text = url.toString();
    if (text.length() > MAX_URL_CHARS) {
      throw new InvalidEventException(
          field, "must be at most " + MAX_URL_CHARS + " characters, got " + text.length());
    }
    text(text, field, 1, MAX_URL_CHARS, false);
    return url;
  }

  static Instant instant(Instant value, String field) {
    notNull(value, field);
    if (value.isBefore(MIN_INSTANT) || value.isAfter(MAX_INSTANT)) {
      throw new InvalidEventException(field, "must be between 1970 and 9999, got " + value);
    }
    return value;
  }

  static Duration duration(Duration value, String field, Duration min, Duration max) {
    notNull(value, field);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidEventException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static long atLeast(long value, long min, String field) {
    if (value < min) {
      throw new InvalidEventException(field, "must be at least " + min + ", got " + value);
    }
    return value;
  }

  static int between(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new InvalidEventException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
  }
}
