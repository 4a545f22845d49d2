package dev.webmon.web;

import dev.webmon.check.AddressPolicy;
import dev.webmon.event.InvalidEventException;
import dev.webmon.event.StatusRanges;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Turns a {@link TargetRequest} into a valid {@link TargetSpec}, or fails with every problem
 * found, each naming its field as the client wrote it. The value rules are those of {@link
 * TargetSpec} (one place), checked field by field so that all errors are reported at once; on top
 * come the address policy and a timeout no longer than the interval. Thread-safe.
 */
final class TargetValidator {
  /**
   * Shown instead of the value of a sensitive header and instead of a request body (login checks
   * post passwords); sending it back keeps the stored value.
   */
  static final String MASK = "******";

  static final long DEFAULT_INTERVAL_SECONDS = 60;
  static final long MIN_INTERVAL_SECONDS = TargetSpec.MIN_INTERVAL.toSeconds();
  static final long MAX_INTERVAL_SECONDS = TargetSpec.MAX_INTERVAL.toSeconds();

  /** The interval presets of the UI, in seconds. */
  static final List<Long> PRESETS = List.of(60L, 120L, 300L, 600L, 1200L, 1800L);

  /** How long creating or changing a target waits for name resolution before accepting the host. */
  static final Duration DNS_TIMEOUT = Duration.ofSeconds(2);

  private static final URI PROBE_URL = URI.create("http://example.com/");

  private final AddressPolicy addresses;

  /** @param addresses the agents' policy ({@code check.allowed-networks}), applied to the URL */
  TargetValidator(AddressPolicy addresses) {
    this.addresses = addresses;
  }

  /**
   * Validates and builds a new target.
   *
   * @param prefix put before field names in errors ({@code "targets[3]."} in an import)
   * @throws ValidationException naming every offending field
   */
  TargetSpec toSpec(TargetRequest req, String id, long version, Instant updatedAt, String prefix) {
    return build(req, id, version, updatedAt, Stored.NONE, prefix);
  }

  /**
   * Validates and builds the next version of {@code previous}; its sensitive header values and
   * its body are kept where the client sends {@link #MASK}.
   *
   * @throws ValidationException naming every offending field
   */
  TargetSpec toSpec(TargetRequest req, String id, long version, Instant updatedAt, TargetSpec previous, String prefix) {
    return build(req, id, version, updatedAt, new Stored(previous.headers(), previous.body()), prefix);
  }

  /** What a {@link #MASK} in a request stands for: the stored target's values, if any. */
  private record Stored(Map<String, String> headers, Optional<String> body) {
    static final Stored NONE = new Stored(Map.of(), Optional.empty());
  }

  private TargetSpec build(TargetRequest req, String id, long version, Instant updatedAt, Stored stored, String prefix) {
    List<FieldError> errors = new ArrayList<>(req.errors());
    Probe probe = new Probe(updatedAt, prefix, errors);

    URI url = null;
    if (req.url().isEmpty() || req.url().get().isBlank()) {
      errors.add(new FieldError(prefix + "url", "is required: an http:// or https:// URL"));
    } else {
      String text = req.url().get().strip();
      try {
        URI parsed = TargetSpec.builder("probe", text).build().url();
        url = parsed;
      } catch (InvalidEventException e) {
        errors.add(probe.error(e));
      }
      if (url != null) {
        Optional<String> problem = addresses.refusal(url, DNS_TIMEOUT);
        if (problem.isPresent()) {
          errors.add(new FieldError(prefix + "url", problem.get()));
        }
      }
    }

    String name;
    if (req.name().isPresent()) {
      name = req.name().get().strip();
      if (name.isEmpty()) {
        errors.add(new FieldError(prefix + "name", "must not be blank (leave it out to use the URL)"));
      } else {
        String n = name;
        probe.check(b -> b.name(n));
      }
    } else {
      name = url == null ? "unnamed" : defaultName(url);
    }

    long intervalSeconds = req.intervalSeconds().orElse(DEFAULT_INTERVAL_SECONDS);
    if (intervalSeconds < MIN_INTERVAL_SECONDS || intervalSeconds > MAX_INTERVAL_SECONDS) {
      errors.add(
          new FieldError(
              prefix + "intervalSeconds",
              "must be from " + MIN_INTERVAL_SECONDS + " to " + MAX_INTERVAL_SECONDS + " seconds, got " + intervalSeconds));
    }
    double timeoutSeconds = req.timeoutSeconds().orElse((double) TargetSpec.DEFAULT_TIMEOUT.toSeconds());
    Duration timeout = Duration.ofMillis(Math.round(Math.min(timeoutSeconds, 1e9) * 1000));
    double minTimeout = TargetSpec.MIN_TIMEOUT.toMillis() / 1000.0;
    double maxTimeout = TargetSpec.MAX_TIMEOUT.toMillis() / 1000.0;
    if (timeoutSeconds < minTimeout || timeoutSeconds > maxTimeout) {
      errors.add(
          new FieldError(
              prefix + "timeoutSeconds", "must be from " + minTimeout + " to " + maxTimeout + " seconds, got " + timeoutSeconds));
    } else if (timeoutSeconds > intervalSeconds && intervalSeconds >= MIN_INTERVAL_SECONDS) {
      errors.add(new FieldError(prefix + "timeoutSeconds", "must not be longer than the interval (" + intervalSeconds + " s)"));
    }

    req.regex().filter(s -> !s.isEmpty()).ifPresent(r -> probe.check(b -> b.mustMatch(r)));
    req.mustNotMatch().filter(s -> !s.isEmpty()).ifPresent(r -> probe.check(b -> b.mustNotMatch(r)));
    StatusRanges expected = StatusRanges.DEFAULT;
    if (req.expectedStatus().isPresent()) {
      try {
        expected = StatusRanges.parse(req.expectedStatus().get().strip());
      } catch (InvalidEventException e) {
        errors.add(probe.error(e));
      }
    }
    String method = req.methodUpper().orElse("GET");
    probe.check(b -> b.method(method));

    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : req.headers().entrySet()) {
      String value = h.getValue();
      if (value.equals(MASK)) {
        Optional<String> kept = headerValue(stored.headers(), h.getKey());
        if (kept.isEmpty()) {
          errors.add(new FieldError(prefix + "headers." + h.getKey(), "enter the value (" + MASK + " only keeps a stored value)"));
          continue;
        }
        value = kept.get();
      }
      headers.put(h.getKey(), value);
    }
    probe.check(b -> b.headers(headers));
    Optional<String> body = req.body();
    if (body.isPresent() && body.get().equals(MASK)) {
      body = stored.body();
      if (body.isEmpty()) {
        errors.add(new FieldError(prefix + "body", "enter the body (" + MASK + " only keeps a stored body)"));
      }
    }
    body.ifPresent(text -> probe.check(b -> b.body(text)));
    int maxRedirects = req.maxRedirects().orElse(TargetSpec.DEFAULT_MAX_REDIRECTS);
    probe.check(b -> b.maxRedirects(maxRedirects));
    probe.check(b -> b.tags(req.tags()));
    req.alertPolicy().ifPresent(n -> probe.check(b -> b.alertPolicy(n)));

    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    TargetSpec.Builder b =
        TargetSpec.builder(id, url)
            .version(version)
            .name(name)
            .interval(Duration.ofSeconds(intervalSeconds))
            .expectedStatus(expected)
            .method(method)
            .headers(headers)
            .timeout(timeout)
            .maxRedirects(maxRedirects)
            .tags(req.tags())
            .alertOverrides(req.alertOverrides())
            .updatedAt(updatedAt);
    req.alertPolicy().ifPresent(b::alertPolicy);
    req.regex().filter(s -> !s.isEmpty()).ifPresent(b::mustMatch);
    req.mustNotMatch().filter(s -> !s.isEmpty()).ifPresent(b::mustNotMatch);
    body.ifPresent(b::body);
    try {
      return b.build();
    } catch (InvalidEventException e) {
      throw new ValidationException(List.of(probe.error(e)));
    }
  }

  /** A name from the URL: host and path, at most 200 characters. */
  static String defaultName(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().equals("/") ? "" : url.getRawPath();
    String name = url.getHost() + path;
    return name.length() > 200 ? name.substring(0, 200) : name;
  }

  /** Whether a header's value is hidden in views (credentials, cookies, keys). */
  static boolean sensitive(String headerName) {
    String n = headerName.toLowerCase(Locale.ROOT);
    return n.equals("authorization")
        || n.equals("proxy-authorization")
        || n.equals("cookie")
        || n.contains("token")
        || n.contains("secret")
        || n.contains("key")
        || n.contains("auth")
        || n.contains("session")
        // signed requests and other credential carriers (X-Hub-Signature, X-Amz-Credential, JWT assertions, passphrases)
        || n.contains("signature")
        || n.contains("credential")
        || n.contains("jwt")
        || n.contains("pass");
  }

  /** A request body as views show it: {@link #MASK}, since it may hold credentials. */
  static Optional<String> maskedBody(Optional<String> body) {
    return body.map(b -> MASK);
  }

  /** Headers with sensitive values replaced by {@link #MASK}. */
  static Map<String, String> masked(Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach((k, v) -> out.put(k, sensitive(k) ? MASK : v));
    return out;
  }

  private static Optional<String> headerValue(Map<String, String> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  /** The API's name of an event field. */
  static String apiField(String eventField) {
    return switch (eventField) {
      case "interval" -> "intervalSeconds";
      case "mustMatch" -> "regex";
      case "timeout" -> "timeoutSeconds";
      default -> eventField;
    };
  }

  /** Builds a default spec changed in one field, recording the error that field causes. */
  private record Probe(Instant updatedAt, String prefix, List<FieldError> errors) {
    void check(UnaryOperator<TargetSpec.Builder> change) {
      try {
        change.apply(TargetSpec.builder("probe", PROBE_URL).updatedAt(updatedAt)).build();
      } catch (InvalidEventException e) {
        errors.add(error(e));
      }
    }

    FieldError error(InvalidEventException e) {
      String field = e.field();
      String message = e.getMessage();
      if (message.startsWith(field + ": ")) {
        message = message.substring(field.length() + 2);
      }
      return new FieldError(prefix + apiField(field), message);
    }
  }
}
