package dev.webmon.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parses the text of a config value. Throws {@link IllegalArgumentException} whose message says
 * what is accepted; {@link Settings} adds the key's name and where the value came from.
 */
@FunctionalInterface
public interface Parser<T> {
  T parse(String text);

  /** What the parser accepts, for error messages and docs. */
  default String accepts() {
    return "";
  }

  static Parser<String> string() {
    return text -> text;
  }

  static Parser<String> nonBlank() {
    return described(
        text -> {
          if (text.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
          }
          return text.strip();
        },
        "a non-empty string");
  }

  /**
   * A name Kafka and the file system take as it is (topic prefix, group id, static member id):
   * 1-200 letters, digits, {@code .}, {@code _} or {@code -}.
   */
  static Parser<String> kafkaName() {
    return described(
        text -> {
          if (!text.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("expected letters, digits, '.', '_' or '-' (1-200 chars)");
          }
          return text;
        },
        "letters, digits, '.', '_' or '-'");
  }

  /** An address to bind to or reach: an IP literal (IPv6 optionally in brackets) or a host name. */
  static Parser<String> host() {
    return described(
        text -> {
          String t = text.strip();
          if (!t.matches("[A-Za-z0-9.:\\-\\[\\]]{1,253}")) {
            throw new IllegalArgumentException("expected an IP address or host name");
          }
          return t;
        },
        "an IP address or host name");
  }

  /** An absolute {@code http} or {@code https} URL with a host. */
  static Parser<URI> httpUrl() {
    return described(
        text -> {
          try {
            URI u = new URI(text);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
              throw new IllegalArgumentException("expected an absolute http or https URL");
            }
            return u;
          } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected an absolute http or https URL", e);
          }
        },
        "an absolute http or https URL");
  }

  static Parser<Secret> secret() {
    return Secret::new;
  }

  static Parser<Integer> intInRange(int min, int max) {
    return described(
        text -> {
          int value;
          try {
            value = Integer.parseInt(text.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected an integer from " + min + " to " + max);
          }
          if (value < min || value > max) {
            throw new IllegalArgumentException("expected an integer from " + min + " to " + max);
          }
          return value;
        },
        "an integer from " + min + " to " + max);
  }

  static Parser<Long> bytes(long min, long max) {
    return described(
        text -> {
          long value = parseBytes(text.strip());
          if (value < min || value > max) {
            throw new IllegalArgumentException("expected a size from " + min + " to " + max + " bytes");
          }
          return value;
        },
        "a size in bytes, optionally with KiB/MiB/GiB (e.g. 1MiB)");
  }

  static Parser<Boolean> bool() {
    return described(
        text ->
            switch (text.strip().toLowerCase(Locale.ROOT)) {
              case "true", "yes", "on", "1" -> true;
              case "false", "no", "off", "0" -> false;
              default -> throw new IllegalArgumentException("expected true or false");
            },
        "true or false");
  }

  static Parser<Duration> duration(Duration min, Duration max) {
    return described(
        text -> {
          Duration value = parseDuration(text.strip());
          if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                "expected a duration from " + Durations.format(min) + " to " + Durations.format(max));
          }
          return value;
        },
        "a duration such as 500ms, 30s, 5m, 2h, 7d (or ISO-8601 PT30S), from "
            + Durations.format(min)
            + " to "
            + Durations.format(max));
  }

  static <E extends Enum<E>> Parser<E> oneOf(Class<E> type) {
    String accepted =
        Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    return described(
        text -> {
          String wanted = text.strip().toUpperCase(Locale.ROOT).replace('-', '_');
          for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
              return constant;
            }
          }
          throw new IllegalArgumentException("expected one of " + accepted);
        },
        "one of " + accepted);
  }

  static Parser<List<String>> list() {
    return described(
        text -> Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList(),
        "a comma-separated list");
  }

  static <T> Parser<T> described(Parser<T> parser, String accepts) {
    return new Parser<>() {
      @Override
      public T parse(String text) {
        return parser.parse(text);
      }

      @Override
      public String accepts() {
        return accepts;
      }
    };
  }

  private static Duration parseDuration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 5m, 2h, 7d");
      }
    }
    Matcher m = DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 5m, 2h, 7d");
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      case "d" -> Duration.ofDays(amount);
      default -> throw new IllegalArgumentException("unknown unit " + m.group(2));
    };
  }

  private static long parseBytes(String text) {
    Matcher m = BYTES.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size such as 65536, 512KiB or 1MiB");
    }
    long amount = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "", "b" -> 1L;
          case "k", "kb", "kib" -> 1024L;
          case "m", "mb", "mib" -> 1024L * 1024;
          case "g", "gb", "gib" -> 1024L * 1024 * 1024;
          default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
    return Math.multiplyExact(amount, factor);
  }

  Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
  Pattern BYTES = Pattern.compile("(\\d{1,15})\\s*([a-zA-Z]{0,3})");
}
