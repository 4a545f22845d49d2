package dev.webmon.event;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A monitored target: the value of the compacted topic {@code webmon.targets}, keyed by {@link
 * #id()}. Consumers keep the highest {@link #version()} per id. Every component is validated by
 * the constructor, which throws {@link InvalidEventException} naming the field; see {@code
 * docs/events.md} for the limits. Immutable and thread-safe. Build one with {@link #builder(String,
 * URI)}.
 *
 * <p>{@link #toString()} shows header names and the body's length only, never their values, which
 * may be credentials.
 *
 * @param id 1–64 characters of {@code [A-Za-z0-9_-]}; the Kafka key
 * @param version at least 1, incremented on every change
 * @param name display name, 1–200 characters, no control characters
 * @param url absolute http(s) URL with a host, no user info, at most 2048 characters
 * @param interval time between checks, 10 s to 1 day
 * @param mustMatch RE2J regex the body must match (found anywhere), 1–1000 characters
 * @param mustNotMatch RE2J regex the body must not match, 1–1000 characters
 * @param expectedStatus status codes counted as up
 * @param method one of GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH
 * @param headers request headers, at most 50, names RFC 9110 tokens unique ignoring case
 * @param body request body, at most 8192 characters
 * @param timeout total time allowed for a check, 100 ms to 120 s
 * @param maxRedirects redirects followed at most, 0–20
 * @param tags labels, at most 20 distinct, each 1–64 characters of {@code [A-Za-z0-9_.:=/-]}
 * @param updatedAt when this version was written
 * @param alertPolicy the name of the alert policy for this target (else by tag, else {@code
 *     default}); a name as {@link AlertPolicySpec#name()}
 * @param alertOverrides alert thresholds set for this target alone, over its policy
 *
 * <p>Over 400 lines because the record, its compact-constructor validation of every field and
 * its builder are one contract; the JSON mapping is in {@link TargetJson}.
 */
public record TargetSpec(
    String id,
    long version,
    String name,
    URI url,
    Duration interval,
    Optional<String> mustMatch,
    Optional<String> mustNotMatch,
    StatusRanges expectedStatus,
    String method,
    Map<String, String> headers,
    Optional<String> body,
    Duration timeout,
    int maxRedirects,
    List<String> tags,
    Instant updatedAt,
    Optional<String> alertPolicy,
    PolicyFields alertOverrides) {

  /** Shortest interval between checks. */
  public static final Duration MIN_INTERVAL = Duration.ofSeconds(10);

  /** Longest interval between checks. */
  public static final Duration MAX_INTERVAL = Duration.ofDays(1);

  /** Interval used by the builder unless set. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);

  /** Shortest total timeout. */
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);

  /** Longest total timeout. */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(120);

  /** Timeout used by the builder unless set. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** Redirect limit used by the builder unless set. */
  public static final int DEFAULT_MAX_REDIRECTS = 5;

  /** Upper bound of {@link #maxRedirects()}. */
  public static final int MAX_REDIRECTS = 20;

  /** The methods a check may use. */
  public static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

  /** Headers the HTTP client sets itself and a target may not (compared ignoring case). */
  public static final Set<String> RESTRICTED_HEADERS =
      Set.of("connection", "content-length", "expect", "host", "upgrade");

  static final int MAX_NAME = 200;
  static final int MAX_REGEX = 1000;
  static final int MAX_HEADERS = 50;
  static final int MAX_HEADER_NAME = 64;
  static final int MAX_HEADER_VALUE = 1024;
  static final int MAX_BODY = 8192;
  static final int MAX_TAGS = 20;
  static final int MAX_TAG = 64;

  private static final String TCHARS = "!#$%&'*+-.^_`|~";

  /** Validates every component and makes the collections immutable. */
  public TargetSpec {
    Validate.identifier(id, "id", 64, "");
    Validate.atLeast(version, 1, "version");
    Validate.text(name, "name", 1, MAX_NAME, false);
    Validate.httpUrl(url, "url");
    Validate.duration(interval, "interval", MIN_INTERVAL, MAX_INTERVAL);
    regex(mustMatch, "mustMatch");
    regex(mustNotMatch, "mustNotMatch");
    Validate.notNull(expectedStatus, "expectedStatus");
    Validate.notNull(method, "method");
    if (!METHODS.contains(method)) {
      throw new InvalidEventException(
          "method", "must be one of GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH");
    }
    headers = headers(headers);
    Validate.notNull(body, "body").ifPresent(b -> Validate.noNul(Validate.text(b, "body", 0, MAX_BODY, true), "body"));
    Validate.duration(timeout, "timeout", MIN_TIMEOUT, MAX_TIMEOUT);
    Validate.between(maxRedirects, 0, MAX_REDIRECTS, "maxRedirects");
    tags = tags(tags);
    Validate.instant(updatedAt, "updatedAt");
    Validate.notNull(alertPolicy, "alertPolicy")
        .ifPresent(n -> AlertPolicySpec.name(n, "alertPolicy"));
    Validate.notNull(alertOverrides, "alertOverrides");
  }

  /** Whether this target uses a field of schema 1.1 (an alert policy or overrides). */
  boolean usesAlerting() {
    return alertPolicy.isPresent() || !alertOverrides.isEmpty();
  }

  private static void regex(Optional<String> regex, String field) {
    Validate.notNull(regex, field);
    if (regex.isPresent()) {
      Validate.noNul(Validate.text(regex.get(), field, 1, MAX_REGEX, true), field);
      try {
        Pattern.compile(regex.get());
      } catch (PatternSyntaxException e) {
        throw new InvalidEventException(field, "is not a valid RE2 regex: " + e.getDescription());
      }
    }
  }

  private static Map<String, String> headers(Map<String, String> headers) {
    Validate.notNull(headers, "headers");
    if (headers.size() > MAX_HEADERS) {
      throw new InvalidEventException(
          "headers", "at most " + MAX_HEADERS + " allowed, got " + headers.size());
    }
    Set<String> seen = new HashSet<>();
    Map<String, String> copy = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : headers.entrySet()) {
      String name = Validate.notNull(e.getKey(), "headers");
      headerName(name);
      String field = "headers." + name;
      String lower = name.toLowerCase(Locale.ROOT);
      if (RESTRICTED_HEADERS.contains(lower)) {
        throw new InvalidEventException(field, "is set by the HTTP client and may not be given");
      }
      if (!seen.add(lower)) {
        throw new InvalidEventException(field, "is given twice (names ignore case)");
      }
      headerValue(Validate.notNull(e.getValue(), field), field);
      copy.put(name, e.getValue());
    }
    return Collections.unmodifiableMap(copy);
  }

  private static void headerName(String name) {
    int n = name.length();
    if (n == 0 || n > MAX_HEADER_NAME) {
      throw new InvalidEventException(
          "headers", "names must be 1 to " + MAX_HEADER_NAME + " characters");
    }
    for (int i = 0; i < n; i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || TCHARS.indexOf(c) >= 0;
      if (!ok) {
        throw new InvalidEventException(
            "headers",
            "name is not an HTTP token, found '" + Validate.printable(c) + "' at index " + i);
      }
    }
  }

  private static void headerValue(String value, String field) {
    int n = value.length();
    if (n > MAX_HEADER_VALUE) {
      throw new InvalidEventException(
          field, "value must be at most " + MAX_HEADER_VALUE + " characters, got " + n);
    }
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      // Visible ASCII, space and tab only: no CR/LF (header injection), no other controls.
      if (!(c == '\t' || (c >= 0x20 && c < 0x7f))) {
        throw new InvalidEventException(
            field, "value may only contain visible ASCII, space and tab (index " + i + ")");
      }
    }
  }

  static List<String> tags(List<String> tags) {
    Validate.notNull(tags, "tags");
    if (tags.size() > MAX_TAGS) {
      throw new InvalidEventException(
          "tags", "at most " + MAX_TAGS + " allowed, got " + tags.size());
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      Validate.identifier(tag, "tags[" + i + "]", MAX_TAG, ".:=/");
      if (!seen.add(tag)) {
        throw new InvalidEventException("tags[" + i + "]", "duplicates an earlier tag");
      }
    }
    return List.copyOf(tags);
  }

  /**
   * A builder with the defaults: name = id, version 1, interval 1 min, no patterns, status
   * 200-399, GET, no headers, no body, timeout 10 s, 5 redirects, no tags, updatedAt = the epoch
   * (producers should set it).
   */
  public static Builder builder(String id, URI url) {
    return new Builder(id, url);
  }

  /**
   * As {@link #builder(String, URI)}, parsing {@code url}.
   *
   * @throws InvalidEventException (field {@code url}) if it is not a URI
   */
  public static Builder builder(String id, String url) {
    return new Builder(id, parseUrl(url));
  }

  /** A builder holding this spec's values, e.g. to make the next version. */
  public Builder toBuilder() {
    Builder b = new Builder(id, url);
    b.version = version;
    b.name = name;
    b.interval = interval;
    b.mustMatch = mustMatch.orElse(null);
    b.mustNotMatch = mustNotMatch.orElse(null);
    b.expectedStatus = expectedStatus;
    b.method = method;
    b.headers.putAll(headers);
    b.body = body.orElse(null);
    b.timeout = timeout;
    b.maxRedirects = maxRedirects;
    b.tags.addAll(tags);
    b.updatedAt = updatedAt;
    b.alertPolicy = alertPolicy.orElse(null);
    b.alertOverrides = alertOverrides;
    return b;
  }

  static URI parseUrl(String url) {
    Validate.notNull(url, "url");
    try {
      return new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidEventException("url", "is not a valid URI: " + e.getReason());
    }
  }

  @Override
  public String toString() {
    return "TargetSpec[id=" + id
        + ", version=" + version
        + ", name=" + name
        + ", url=" + url
        + ", interval=" + interval
        + ", mustMatch=" + mustMatch
        + ", mustNotMatch=" + mustNotMatch
        + ", expectedStatus=" + expectedStatus
        + ", method=" + method
        + ", headers=" + headers.keySet()
        + ", body=" + body.map(b -> "(" + b.length() + " chars)").orElse("none")
        + ", timeout=" + timeout
        + ", maxRedirects=" + maxRedirects
        + ", tags=" + tags
        + ", updatedAt=" + updatedAt
        + ", alertPolicy=" + alertPolicy
        + ", alertOverrides=" + alertOverrides
        + "]";
  }

  /** Builds a {@link TargetSpec}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private final String id;
    private URI url;
    private long version = 1;
    private String name;
    private Duration interval = DEFAULT_INTERVAL;
    private String mustMatch;
    private String mustNotMatch;
    private StatusRanges expectedStatus = StatusRanges.DEFAULT;
    private String method = "GET";
    private final Map<String, String> headers = new LinkedHashMap<>();
    private String body;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int maxRedirects = DEFAULT_MAX_REDIRECTS;
    private final List<String> tags = new ArrayList<>();
    private Instant updatedAt = Instant.EPOCH;
    private String alertPolicy;
    private PolicyFields alertOverrides = PolicyFields.NONE;

    private Builder(String id, URI url) {
      this.id = id;
      this.url = url;
      this.name = id;
    }

    /** Sets the version (default 1). */
    public Builder version(long version) {
      this.version = version;
      return this;
    }

    /** Sets the display name (default: the id). */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** Sets the URL. */
    public Builder url(URI url) {
      this.url = url;
      return this;
    }

    /** Sets the interval (default 1 min). */
    public Builder interval(Duration interval) {
      this.interval = interval;
      return this;
    }

    /** Sets the regex the body must match. */
    public Builder mustMatch(String regex) {
      this.mustMatch = Objects.requireNonNull(regex, "regex");
      return this;
    }

    /** Removes the must-match regex. */
    public Builder clearMustMatch() {
      this.mustMatch = null;
      return this;
    }

    /** Sets the regex the body must not match. */
    public Builder mustNotMatch(String regex) {
      this.mustNotMatch = Objects.requireNonNull(regex, "regex");
      return this;
    }

    /** Removes the must-not-match regex. */
    public Builder clearMustNotMatch() {
      this.mustNotMatch = null;
      return this;
    }

    /** Sets the expected status codes (default 200-399). */
    public Builder expectedStatus(StatusRanges expectedStatus) {
      this.expectedStatus = expectedStatus;
      return this;
    }

    /** Parses and sets the expected status codes, e.g. {@code "200,204"}. */
    public Builder expectedStatus(String expectedStatus) {
      this.expectedStatus = StatusRanges.parse(expectedStatus);
      return this;
    }

    /** Sets the method, upper-casing it (default GET). */
    public Builder method(String method) {
      this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
      return this;
    }

    /** Adds (or replaces) a header. */
    public Builder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Replaces all headers. */
    public Builder headers(Map<String, String> headers) {
      this.headers.clear();
      this.headers.putAll(headers);
      return this;
    }

    /** Sets the request body. */
    public Builder body(String body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /** Removes the request body. */
    public Builder clearBody() {
      this.body = null;
      return this;
    }

    /** Sets the total timeout (default 10 s). */
    public Builder timeout(Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Sets the redirect limit (default 5). */
    public Builder maxRedirects(int maxRedirects) {
      this.maxRedirects = maxRedirects;
      return this;
    }

    /** Adds a tag. */
    public Builder tag(String tag) {
      tags.add(tag);
      return this;
    }

    /** Replaces all tags. */
    public Builder tags(List<String> tags) {
      this.tags.clear();
      this.tags.addAll(tags);
      return this;
    }

    /** Sets when this version was written (default: the epoch). */
    public Builder updatedAt(Instant updatedAt) {
      this.updatedAt = updatedAt;
      return this;
    }

    /** Names the target's alert policy. */
    public Builder alertPolicy(String name) {
      this.alertPolicy = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Removes the named alert policy (tags or {@code default} decide). */
    public Builder clearAlertPolicy() {
      this.alertPolicy = null;
      return this;
    }

    /** Sets the target's own alert thresholds (default: none). */
    public Builder alertOverrides(PolicyFields overrides) {
      this.alertOverrides = Objects.requireNonNull(overrides, "overrides");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidEventException naming the first invalid field
     */
    public TargetSpec build() {
      return new TargetSpec(
          id,
          version,
          name,
          url,
          interval,
          Optional.ofNullable(mustMatch),
          Optional.ofNullable(mustNotMatch),
          expectedStatus,
          method,
          headers,
          Optional.ofNullable(body),
          timeout,
          maxRedirects,
          tags,
          updatedAt,
          Optional.ofNullable(alertPolicy),
          alertOverrides);
    }
  }
}
