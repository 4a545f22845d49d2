package dev.webmon.web;

import dev.webmon.event.Outcome;
import dev.webmon.store.TargetList;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the routes read from a request, in one place for the API and the pages: the target id of
 * the path, query parameters (numbers, instants, locations, outcomes, time ranges) and the target
 * list's filter. A bad value fails with a {@link ValidationException} naming the parameter.
 */
final class RouteParams {
  /** The prefix of the REST API. */
  static final String API = "/api/v1";

  private static final String NAME_PATTERN = "[A-Za-z0-9_-]{1,64}";
  /** A '%' that does not start a percent-escape. */
  private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** The range without {@code from}: the 24 hours before {@code to}. */
  private static final Duration DEFAULT_RANGE = Duration.ofHours(24);

  private RouteParams() {}

  /** The {id} path parameter; anything that cannot be an id is simply not found. */
  static String targetId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!id.matches(NAME_PATTERN)) {
      throw notFound(id.length() > 64 ? id.substring(0, 64) + "..." : id);
    }
    return id;
  }

  static NotFoundException notFound(String id) {
    return new NotFoundException("no target with id '" + id + "'");
  }

  /** A query parameter, stripped; empty if absent or blank; one with a NUL character (no SQL text can hold it) is a 400. */
  static Optional<String> param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v != null && v.indexOf('\0') >= 0) {
      throw new ValidationException(name, "must not contain NUL characters (%00)");
    }
    if (brokenEscape(ctx.queryString(), name)) {
      // The decoder drops a parameter with a broken escape ("limit=%" reads as absent): say so instead.
      throw new ValidationException(name, "has a '%' that is not followed by two hex digits; write a literal % as %25");
    }
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
  }

  /** A whole number in {@code [min, max]}. */
  static int intParam(String name, String text, int min, int max) {
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException(name, "must be a whole number from " + min + " to " + max);
  }

  /** Whether the raw query string gives parameter {@code name} a value with a broken percent-escape. */
  private static boolean brokenEscape(String query, String name) {
    if (query == null || query.indexOf('%') < 0) {
      return false;
    }
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name) && BROKEN_ESCAPE.matcher(pair.substring(eq + 1)).find()) {
        return true;
      }
    }
    return false;
  }

  /** The earliest instant a query parameter may name (the database and the JDBC driver take far more). */
  static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

  /** The latest instant a query parameter may name. */
  static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

  /** An ISO-8601 instant from year 1 to 9999; anything else is a 400 naming the parameter. */
  static Optional<Instant> instantParam(Context ctx, String name) {
    return param(ctx, name)
        .map(
            s -> {
              Instant t;
              try {
                t = Instant.parse(s);
              } catch (DateTimeParseException e) {
                throw new ValidationException(name, "must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
              }
              if (!isQueryable(t)) {
                throw new ValidationException(name, "must be from " + MIN_INSTANT + " to " + MAX_INSTANT);
              }
              return t;
            });
  }

  /** Whether {@code t} is within the instants a query may name (a cursor's too). */
  static boolean isQueryable(Instant t) {
    return !t.isBefore(MIN_INSTANT) && !t.isAfter(MAX_INSTANT);
  }

  /** {@code from} and {@code to}; without them the 24 hours before {@code now}. */
  static TimeRange range(Context ctx, Instant now) {
    Optional<Instant> from = instantParam(ctx, "from");
    Instant to = instantParam(ctx, "to").orElse(now);
    if (from.isEmpty() && to.isBefore(MIN_INSTANT.plus(DEFAULT_RANGE))) {
      throw new ValidationException("to", "must be at least " + DEFAULT_RANGE.toHours() + " h after " + MIN_INSTANT + " without 'from'");
    }
    return new TimeRange(from.orElse(to.minus(DEFAULT_RANGE)), to);
  }

  /** A half-open range of instants, {@code from <= t < to}. */
  record TimeRange(Instant from, Instant to) {}

  /** The {@code location} parameter: an agent's location name. */
  static Optional<String> location(Context ctx) {
    Optional<String> loc = param(ctx, "location");
    loc.ifPresent(
        l -> {
          if (!isLocationName(l)) {
            throw new ValidationException("location", "must be 1-64 characters of [A-Za-z0-9_-]");
          }
        });
    return loc;
  }

  static boolean isLocationName(String text) {
    return text.matches(NAME_PATTERN);
  }

  /** The {@code outcome} parameter, UP or DOWN in any case. */
  static Optional<Outcome> outcome(Context ctx) {
    return param(ctx, "outcome")
        .map(
            s -> {
              try {
                return Outcome.valueOf(s.toUpperCase(Locale.ROOT));
              } catch (IllegalArgumentException e) {
                throw new ValidationException("outcome", "must be UP or DOWN");
              }
            });
  }

  /** The target list's filter from query parameters (API list and UI list); see {@link ListFilter}. */
  static TargetList.Filter targetFilter(Context ctx) {
    return ListFilter.of(ctx);
  }

  /**
   * The version a PUT's If-Match header asks for: {@code any} without the header or with {@code *}
   * (RFC 9110: any current representation; a PUT here only replaces what exists, 404 otherwise),
   * else the version its ETag names.
   */
  static long ifMatch(String header, long any) {
    return header == null || header.strip().equals("*") ? any : etagVersion(header);
  }

  /** The version an If-Match header names ({@code "3"} or {@code W/"3"}): the ETag of a target or a policy. */
  static long etagVersion(String header) {
    String v = header.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    v = v.replace("\"", "");
    try {
      long version = Long.parseLong(v);
      if (version >= 0) { // a negative number is no version, and -1 would mean "any version" to the services
        return version;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ValidationException("If-Match", "must be an ETag this API returned, e.g. \"3\"");
  }

  /** A whole number, or empty if {@code text} is not one. */
  static Optional<Long> parseLong(String text) {
    try {
      return Optional.of(Long.parseLong(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
