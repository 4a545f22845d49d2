package dev.webmon.event;

/**
 * How long each phase of a check took, in microseconds. A phase that did not happen (no DNS for an
 * IP literal, no TLS for http, nothing after a failure) is 0. Over redirects, each phase is the
 * sum over all requests. The phases need not add up to {@code totalMicros}. Immutable.
 *
 * @param dnsMicros name resolution
 * @param connectMicros TCP connect
 * @param tlsMicros TLS handshake
 * @param ttfbMicros from request sent to the first response byte
 * @param transferMicros from the first to the last body byte read
 * @param totalMicros the whole check, start to verdict
 */
public record PhaseTimings(
    long dnsMicros,
    long connectMicros,
    long tlsMicros,
    long ttfbMicros,
    long transferMicros,
    long totalMicros) {
  /** All phases 0. */
  public static final PhaseTimings ZERO = new PhaseTimings(0, 0, 0, 0, 0, 0);

  /** Validates: every value at least 0. */
  public PhaseTimings {
    Validate.atLeast(dnsMicros, 0, "timings.dnsMicros");
    Validate.atLeast(connectMicros, 0, "timings.connectMicros");
    Validate.atLeast(tlsMicros, 0, "timings.tlsMicros");
    Validate.atLeast(ttfbMicros, 0, "timings.ttfbMicros");
    Validate.atLeast(transferMicros, 0, "timings.transferMicros");
    Validate.atLeast(totalMicros, 0, "timings.totalMicros");
  }
}
