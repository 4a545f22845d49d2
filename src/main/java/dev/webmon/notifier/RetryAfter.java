package dev.webmon.notifier;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The {@code Retry-After} header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. A date in the
 * past means "now" (zero); anything unparsable is ignored.
 */
final class RetryAfter {
  /** Longer requests are capped: a receiver cannot park a channel for days. */
  static final Duration MAX = Duration.ofHours(6);

  private RetryAfter() {}

  static Optional<Duration> parse(String value, Instant now) {
    String v = value.strip();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
      if (v.length() > 9) {
        return Optional.of(MAX);
      }
      return Optional.of(cap(Duration.ofSeconds(Long.parseLong(v))));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : cap(d));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Fractional seconds, as Discord and Telegram put them in JSON bodies. */
  static Optional<Duration> ofSeconds(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      return Optional.empty();
    }
    return Optional.of(cap(Duration.ofMillis((long) Math.ceil(Math.min(seconds, MAX.toSeconds()) * 1000))));
  }

  private static Duration cap(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
