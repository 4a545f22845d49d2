package dev.webmon.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The wire form of instants: {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}, UTC, four-digit year.
 * Formatting gives the same text as {@link Instant#toString()} for years 1970–9999 (fraction of 0,
 * 3, 6 or 9 digits); parsing accepts 1 to 9 fraction digits and nothing else (no offsets, no
 * lower-case letters, no leap seconds). Hand-written because it is on the sink's hot path.
 */
final class Instants {
  private Instants() {}

  static String format(Instant t) {
    long secs = t.getEpochSecond();
    int nanos = t.getNano();
    LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(secs, 86_400L));
    int sod = (int) Math.floorMod(secs, 86_400L);
    char[] buf = new char[30];
    digits(buf, 0, date.getYear(), 4);
    buf[4] = '-';
    digits(buf, 5, date.getMonthValue(), 2);
    buf[7] = '-';
    digits(buf, 8, date.getDayOfMonth(), 2);
    buf[10] = 'T';
    digits(buf, 11, sod / 3600, 2);
    buf[13] = ':';
    digits(buf, 14, sod / 60 % 60, 2);
    buf[16] = ':';
    digits(buf, 17, sod % 60, 2);
    int len = 19;
    if (nanos != 0) {
      buf[len++] = '.';
      if (nanos % 1_000_000 == 0) {
        digits(buf, len, nanos / 1_000_000, 3);
        len += 3;
      } else if (nanos % 1_000 == 0) {
        digits(buf, len, nanos / 1_000, 6);
        len += 6;
      } else {
        digits(buf, len, nanos, 9);
        len += 9;
      }
    }
    buf[len++] = 'Z';
    return new String(buf, 0, len);
  }

  private static void digits(char[] buf, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      buf[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** Parses {@code len} chars of {@code s} from {@code off}; null if not of the wire form. */
  static Instant parse(char[] s, int off, int len) {
    if (len < 20 || len > 30 || len == 21 || s[off + len - 1] != 'Z') {
      return null;
    }
    if (s[off + 4] != '-'
        || s[off + 7] != '-'
        || s[off + 10] != 'T'
        || s[off + 13] != ':'
        || s[off + 16] != ':') {
      return null;
    }
    int year = number(s, off, 4);
    int month = number(s, off + 5, 2);
    int day = number(s, off + 8, 2);
    int hour = number(s, off + 11, 2);
    int minute = number(s, off + 14, 2);
    int second = number(s, off + 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    int nanos = 0;
    if (len > 20) {
      if (s[off + 19] != '.') {
        return null;
      }
      int fractionDigits = len - 21;
      nanos = number(s, off + 20, fractionDigits);
      if (nanos < 0) {
        return null;
      }
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return null;
    }
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code width} digits, or -1 if one is not a digit. */
  private static int number(char[] s, int at, int width) {
    int v = 0;
    for (int i = at; i < at + width; i++) {
      int d = s[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }
}
