package dev.webmon.alerter;

import java.time.Duration;

/**
 * The thresholds that turn check results into incidents. Immutable. "Off" is spelled {@code 0}
 * (and {@link Duration#ZERO} for the window of an unused rule), so no component is ever null.
 *
 * @param failureThreshold consecutive failed checks that make a location DOWN, 1–100
 * @param failuresInWindow failures within {@code window} that make a location DOWN; 0 = off
 * @param window the span of the x-in-window rule; ZERO when that rule is off, else 1 s – 1 day
 * @param recoveryThreshold consecutive passed checks that bring a location back UP, 1–100
 * @param degradedAboveMs total response time above which a passed check counts as slow; 0 = off
 * @param quorum locations that must agree for the target to be DOWN/DEGRADED; 0 = a majority
 *     of the locations currently reporting
 * @param tlsExpiryWarningDays warn when the certificate expires within this many days, 0–365
 * @param flapChanges more than this many target state changes within {@code flapWindow} is
 *     flapping, 1–1000
 * @param flapWindow the span of the flapping rule and how long a flapping target must be stable
 *     before its incident resolves, 1 min – 1 day
 */
record Policy(
    int failureThreshold,
    int failuresInWindow,
    Duration window,
    int recoveryThreshold,
    long degradedAboveMs,
    int quorum,
    int tlsExpiryWarningDays,
    int flapChanges,
    Duration flapWindow) {

  // Declared before DEFAULT: the constructor uses it during static initialisation.
  private static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** The {@code default} policy: 2 failures down, 2 passes up, majority quorum, 6 in 30 min. */
  static final Policy DEFAULT =
      new Policy(2, 0, Duration.ZERO, 2, 0, 0, 14, 6, Duration.ofMinutes(30));

  /** Validates every field. */
  Policy {
    between(failureThreshold, 1, 100, "failureThreshold");
    between(failuresInWindow, 0, 1000, "failuresInWindow");
    if (window == null) {
      throw new InvalidPolicyException("window", "is required (ZERO when failuresInWindow is 0)");
    }
    if (failuresInWindow == 0 && !window.isZero()) {
      throw new InvalidPolicyException("window", "must be 0 when failuresInWindow is 0 (off)");
    }
    if (failuresInWindow > 0
        && (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(MAX_WINDOW) > 0)) {
      throw new InvalidPolicyException(
          "window", "must be between 1 s and 1 day when failuresInWindow is set, was " + window);
    }
    between(recoveryThreshold, 1, 100, "recoveryThreshold");
    if (degradedAboveMs < 0 || degradedAboveMs > 600_000) {
      throw new InvalidPolicyException(
          "degradedAboveMs", "must be between 0 (off) and 600000, was " + degradedAboveMs);
    }
    between(quorum, 0, 1000, "quorum");
    between(tlsExpiryWarningDays, 0, 365, "tlsExpiryWarningDays");
    between(flapChanges, 1, 1000, "flapChanges");
    if (flapWindow == null
        || flapWindow.compareTo(Duration.ofMinutes(1)) < 0
        || flapWindow.compareTo(MAX_WINDOW) > 0) {
      throw new InvalidPolicyException(
          "flapWindow", "must be between 1 min and 1 day, was " + flapWindow);
    }
  }

  private static void between(long value, long min, long max, String field) {
    if (value < min || value > max) {
      throw new InvalidPolicyException(
          field, "must be between " + min + " and " + max + ", was " + value);
    }
  }

  /** Whether the x-in-window rule is on. */
  boolean windowRule() {
    return failuresInWindow > 0;
  }

  /** Whether the slow-response rule is on. */
  boolean degradedRule() {
    return degradedAboveMs > 0;
  }

  /** The quorum k for {@code reporting} locations: explicit, or a majority (1 when one). */
  int quorumFor(int reporting) {
    return quorum > 0 ? quorum : reporting / 2 + 1;
  }

  Policy withFailureThreshold(int n) {
    return new Policy(n, failuresInWindow, window, recoveryThreshold, degradedAboveMs, quorum,
        tlsExpiryWarningDays, flapChanges, flapWindow);
  }

  Policy withFailuresInWindow(int n, Duration span) {
    return new Policy(failureThreshold, n, span, recoveryThreshold, degradedAboveMs, quorum,
        tlsExpiryWarningDays, flapChanges, flapWindow);
  }

  Policy withRecoveryThreshold(int n) {
    return new Policy(failureThreshold, failuresInWindow, window, n, degradedAboveMs, quorum,
        tlsExpiryWarningDays, flapChanges, flapWindow);
  }

  Policy withDegradedAboveMs(long ms) {
    return new Policy(failureThreshold, failuresInWindow, window, recoveryThreshold, ms, quorum,
        tlsExpiryWarningDays, flapChanges, flapWindow);
  }

  Policy withQuorum(int k) {
    return new Policy(failureThreshold, failuresInWindow, window, recoveryThreshold,
        degradedAboveMs, k, tlsExpiryWarningDays, flapChanges, flapWindow);
  }

  Policy withFlapping(int changes, Duration span) {
    return new Policy(failureThreshold, failuresInWindow, window, recoveryThreshold,
        degradedAboveMs, quorum, tlsExpiryWarningDays, changes, span);
  }
}
