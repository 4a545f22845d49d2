package dev.webmon.event;

import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The result of one check: the value of topic {@code webmon.results}, keyed by {@link
 * #targetId()}. Every component is validated by the constructor, which throws {@link
 * InvalidEventException} naming the field; see {@code docs/events.md}. Immutable and thread-safe.
 * Build one with {@link #builder()}, which also truncates {@link #detail()}.
 *
 * @param resultId unique per check; the sink deduplicates on it
 * @param targetId the checked {@link TargetSpec#id()}
 * @param targetVersion the {@link TargetSpec#version()} checked, at least 1
 * @param location where the agent runs, 1–64 characters of {@code [A-Za-z0-9_-]}
 * @param agentId which agent checked, 1–128 characters of {@code [A-Za-z0-9_.:@-]}
 * @param url the URL requested first (the target's URL at that version)
 * @param scheduledAt when the check was due
 * @param startedAt when it actually started (not checked against {@code scheduledAt})
 * @param outcome UP or DOWN
 * @param reason why DOWN; present if and only if the outcome is DOWN
 * @param statusCode the final response's status, 100–599; present if UP or if the reason is
 *     HTTP_STATUS, PATTERN_MISSING or PATTERN_FORBIDDEN
 * @param timings phase durations
 * @param bodyBytes body bytes read, at least 0
 * @param httpVersion protocol of the final response, e.g. {@code HTTP/1.1}, {@code HTTP/2}
 * @param remoteAddress IP address connected to last, as text, 1–64 visible ASCII characters
 * @param tlsExpiresAt notAfter of the final server certificate, for https
 * @param redirects redirects followed, 0–20
 * @param finalUrl the last URL requested, if redirects were followed
 * @param detail short human-readable explanation, at most 500 characters
 * @param maintenance whether a maintenance window covered the target at {@code startedAt} (schema
 *     1.1; false when absent)
 */
public record CheckResult(
    UUID resultId,
    String targetId,
    long targetVersion,
    String location,
    String agentId,
    URI url,
    Instant scheduledAt,
    Instant startedAt,
    Outcome outcome,
    Optional<Reason> reason,
    Optional<Integer> statusCode,
    PhaseTimings timings,
    long bodyBytes,
    Optional<String> httpVersion,
    Optional<String> remoteAddress,
    Optional<Instant> tlsExpiresAt,
    int redirects,
    Optional<URI> finalUrl,
    Optional<String> detail,
    boolean maintenance) {

  /** Longest {@link #detail()}; the builder truncates longer text to this. */
  public static final int MAX_DETAIL = 500;

  /** Upper bound of {@link #redirects()}. */
  public static final int MAX_REDIRECTS = TargetSpec.MAX_REDIRECTS;

  /** Validates every component. */
  public CheckResult {
    Validate.notNull(resultId, "resultId");
    Validate.identifier(targetId, "targetId", 64, "");
    Validate.atLeast(targetVersion, 1, "targetVersion");
    Validate.identifier(location, "location", 64, "");
    Validate.identifier(agentId, "agentId", 128, ".:@");
    Validate.httpUrl(url, "url");
    Validate.instant(scheduledAt, "scheduledAt");
    Validate.instant(startedAt, "startedAt");
    Validate.notNull(outcome, "outcome");
    Validate.notNull(reason, "reason");
    if (outcome == Outcome.DOWN && reason.isEmpty()) {
      throw new InvalidEventException("reason", "is required when the outcome is DOWN");
    }
    if (outcome == Outcome.UP && reason.isPresent()) {
      throw new InvalidEventException("reason", "must be absent when the outcome is UP");
    }
    Validate.notNull(statusCode, "statusCode");
    statusCode.ifPresent(s -> Validate.between(s, 100, 599, "statusCode"));
    if (statusCode.isEmpty()
        && (outcome == Outcome.UP || reason.map(Reason::requiresStatusCode).orElse(false))) {
      throw new InvalidEventException(
          "statusCode", "is required when the outcome is " + reason.map(Enum::name).orElse(Outcome.UP.name()));
    }
    Validate.notNull(timings, "timings");
    Validate.atLeast(bodyBytes, 0, "bodyBytes");
    Validate.notNull(httpVersion, "httpVersion")
        .ifPresent(v -> Validate.identifier(v, "httpVersion", 16, "./"));
    Validate.notNull(remoteAddress, "remoteAddress")
        .ifPresent(a -> Validate.identifier(a, "remoteAddress", 64, ".:%[]"));
    Validate.notNull(tlsExpiresAt, "tlsExpiresAt")
        .ifPresent(t -> Validate.instant(t, "tlsExpiresAt"));
    Validate.between(redirects, 0, MAX_REDIRECTS, "redirects");
    Validate.notNull(finalUrl, "finalUrl").ifPresent(u -> Validate.httpUrl(u, "finalUrl"));
    Validate.notNull(detail, "detail")
        .ifPresent(d -> Validate.text(d, "detail", 0, MAX_DETAIL, true));
  }

  /** This result with {@link #maintenance()} set to {@code flag} (itself when it already is). */
  public CheckResult withMaintenance(boolean flag) {
    if (flag == maintenance) {
      return this;
    }
    return new CheckResult(
        resultId, targetId, targetVersion, location, agentId, url, scheduledAt, startedAt, outcome, reason,
        statusCode, timings, bodyBytes, httpVersion, remoteAddress, tlsExpiresAt, redirects, finalUrl, detail,
        flag);
  }

  /**
   * Makes {@code text} a valid {@link #detail()}: unpaired surrogates become U+FFFD and text
   * longer than {@value #MAX_DETAIL} characters is cut (never inside a surrogate pair) and ends
   * with an ellipsis.
   */
  public static String truncateDetail(String text) {
    Objects.requireNonNull(text, "text");
    String kept = text;
    boolean cut = text.length() > MAX_DETAIL;
    if (cut) {
      int end = MAX_DETAIL - 1;
      if (Character.isHighSurrogate(text.charAt(end - 1))) {
        end--;
      }
      kept = text.substring(0, end);
    }
    StringBuilder sb = new StringBuilder(kept.length() + 1);
    for (int i = 0; i < kept.length(); i++) {
      char c = kept.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < kept.length()
          && Character.isLowSurrogate(kept.charAt(i + 1))) {
        sb.append(c).append(kept.charAt(++i));
      } else {
        sb.append(Character.isSurrogate(c) ? '\uFFFD' : c);
      }
    }
    if (cut) {
      sb.append('\u2026');
    }
    return sb.toString();
  }

  /** A builder; all required fields must be set. Not thread-safe. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link CheckResult}; validation happens in {@link #build()}. Not thread-safe. */
  public static final class Builder {
    private UUID resultId;
    private String targetId;
    private long targetVersion;
    private String location;
    private String agentId;
    private URI url;
    private Instant scheduledAt;
    private Instant startedAt;
    private Outcome outcome;
    private Reason reason;
    private Integer statusCode;
    private PhaseTimings timings = PhaseTimings.ZERO;
    private long bodyBytes;
    private String httpVersion;
    private String remoteAddress;
    private Instant tlsExpiresAt;
    private int redirects;
    private URI finalUrl;
    private String detail;
    private boolean maintenance;

    private Builder() {}

    /** Sets target id, version and URL from the spec checked. */
    public Builder target(TargetSpec spec) {
      this.targetId = spec.id();
      this.targetVersion = spec.version();
      this.url = spec.url();
      return this;
    }

    /** Sets the unique id of this check. */
    public Builder resultId(UUID resultId) {
      this.resultId = resultId;
      return this;
    }

    /** Sets the target id. */
    public Builder targetId(String targetId) {
      this.targetId = targetId;
      return this;
    }

    /** Sets the target version. */
    public Builder targetVersion(long targetVersion) {
      this.targetVersion = targetVersion;
      return this;
    }

    /** Sets the agent's location. */
    public Builder location(String location) {
      this.location = location;
      return this;
    }

    /** Sets the agent's id. */
    public Builder agentId(String agentId) {
      this.agentId = agentId;
      return this;
    }

    /** Sets the URL requested first. */
    public Builder url(URI url) {
      this.url = url;
      return this;
    }

    /** Sets when the check was due. */
    public Builder scheduledAt(Instant scheduledAt) {
      this.scheduledAt = scheduledAt;
      return this;
    }

    /** Sets when the check started. */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    /** Outcome UP with the final status code; clears any reason. */
    public Builder up(int statusCode) {
      this.outcome = Outcome.UP;
      this.reason = null;
      this.statusCode = statusCode;
      return this;
    }

    /** Outcome DOWN for {@code reason}. */
    public Builder down(Reason reason) {
      this.outcome = Outcome.DOWN;
      this.reason = Objects.requireNonNull(reason, "reason");
      return this;
    }

    /** Sets the final status code. */
    public Builder statusCode(int statusCode) {
      this.statusCode = statusCode;
      return this;
    }

    /** Sets the phase timings (default all 0). */
    public Builder timings(PhaseTimings timings) {
      this.timings = timings;
      return this;
    }

    /** Sets the body bytes read (default 0). */
    public Builder bodyBytes(long bodyBytes) {
      this.bodyBytes = bodyBytes;
      return this;
    }

    /** Sets the protocol of the final response, e.g. {@code HTTP/1.1}. */
    public Builder httpVersion(String httpVersion) {
      this.httpVersion = Objects.requireNonNull(httpVersion, "httpVersion");
      return this;
    }

    /** Sets the IP address connected to. */
    public Builder remoteAddress(String remoteAddress) {
      this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
      return this;
    }

    /** Sets the certificate's expiry. */
    public Builder tlsExpiresAt(Instant tlsExpiresAt) {
      this.tlsExpiresAt = Objects.requireNonNull(tlsExpiresAt, "tlsExpiresAt");
      return this;
    }

    /** Sets the redirects followed (default 0). */
    public Builder redirects(int redirects) {
      this.redirects = redirects;
      return this;
    }

    /** Sets the last URL requested. */
    public Builder finalUrl(URI finalUrl) {
      this.finalUrl = Objects.requireNonNull(finalUrl, "finalUrl");
      return this;
    }

    /** Sets the detail, made valid by {@link CheckResult#truncateDetail(String)}. */
    public Builder detail(String detail) {
      this.detail = truncateDetail(detail);
      return this;
    }

    /** Sets whether a maintenance window covered the target (default false). */
    public Builder maintenance(boolean maintenance) {
      this.maintenance = maintenance;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidEventException naming the first invalid or missing field
     */
    public CheckResult build() {
      return new CheckResult(
          resultId,
          targetId,
          targetVersion,
          location,
          agentId,
          url,
          scheduledAt,
          startedAt,
          outcome,
          Optional.ofNullable(reason),
          Optional.ofNullable(statusCode),
          timings,
          bodyBytes,
          Optional.ofNullable(httpVersion),
          Optional.ofNullable(remoteAddress),
          Optional.ofNullable(tlsExpiresAt),
          redirects,
          Optional.ofNullable(finalUrl),
          Optional.ofNullable(detail),
          maintenance);
    }
  }
}
