package dev.webmon.event;

import java.time.Duration;
import java.util.Optional;

/**
 * Alert thresholds, each optional: the body of a named policy ({@link AlertPolicySpec}) and a
 * target's overrides ({@link TargetSpec#alertOverrides()}). An absent field inherits from the
 * layer below (see {@link #over}). The constructor checks the range of each present field and
 * throws {@link InvalidEventException} naming it; rules between fields (a {@code window} needs
 * {@code failuresInWindow}) are checked by {@link #checkComplete()} on a merged set.
 *
 * @param failureThreshold consecutive failed checks that make a location DOWN, 1–100
 * @param failuresInWindow failures within {@code window} that make a location DOWN, 0 (off)–1000
 * @param window the span of the x-in-window rule, 0 (off) or 1 s – 1 day
 * @param recoveryThreshold consecutive passed checks that bring a location back UP, 1–100
 * @param degradedAboveMs total response time above which a check is slow, 0 (off)–600000
 * @param quorum locations that must agree, 0 (a majority of those reporting)–1000
 * @param tlsExpiryWarningDays warn when the certificate expires within this many days, 0 (off)–365
 * @param flapChanges more than this many state changes within {@code flapWindow} is flapping, 1–1000
 * @param flapWindow span of the flapping rule, 1 min – 1 day
 */
public record PolicyFields(
    Optional<Integer> failureThreshold,
    Optional<Integer> failuresInWindow,
    Optional<Duration> window,
    Optional<Integer> recoveryThreshold,
    Optional<Long> degradedAboveMs,
    Optional<Integer> quorum,
    Optional<Integer> tlsExpiryWarningDays,
    Optional<Integer> flapChanges,
    Optional<Duration> flapWindow) {

  /** No field set. */
  public static final PolicyFields NONE =
      new PolicyFields(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

  static final Duration MAX_WINDOW = Duration.ofDays(1);

  /** Checks the range of every present field. */
  public PolicyFields {
    range(failureThreshold, "failureThreshold", 1, 100);
    range(failuresInWindow, "failuresInWindow", 0, 1000);
    Validate.notNull(window, "window").ifPresent(w -> {
      if (!w.isZero()) {
        Validate.duration(w, "window", Duration.ofSeconds(1), MAX_WINDOW);
      }
    });
    range(recoveryThreshold, "recoveryThreshold", 1, 100);
    Validate.notNull(degradedAboveMs, "degradedAboveMs").ifPresent(ms -> {
      if (ms < 0 || ms > 600_000) {
        throw new InvalidEventException(
            "degradedAboveMs", "must be between 0 (off) and 600000, was " + ms);
      }
    });
    range(quorum, "quorum", 0, 1000);
    range(tlsExpiryWarningDays, "tlsExpiryWarningDays", 0, 365);
    range(flapChanges, "flapChanges", 1, 1000);
    Validate.notNull(flapWindow, "flapWindow")
        .ifPresent(w -> Validate.duration(w, "flapWindow", Duration.ofMinutes(1), MAX_WINDOW));
  }

  private static void range(Optional<Integer> value, String field, int min, int max) {
    Validate.notNull(value, field).ifPresent(v -> {
      if (v < min || v > max) {
        throw new InvalidEventException(
            field, "must be between " + min + " and " + max + ", was " + v);
      }
    });
  }

  /** Whether no field is set. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** These fields over {@code base}: each field set here wins, the others come from base. */
  public PolicyFields over(PolicyFields base) {
    return new PolicyFields(
        failureThreshold.or(base::failureThreshold),
        failuresInWindow.or(base::failuresInWindow),
        window.or(base::window),
        recoveryThreshold.or(base::recoveryThreshold),
        degradedAboveMs.or(base::degradedAboveMs),
        quorum.or(base::quorum),
        tlsExpiryWarningDays.or(base::tlsExpiryWarningDays),
        flapChanges.or(base::flapChanges),
        flapWindow.or(base::flapWindow));
  }

  /**
   * Checks the rules between fields of a merged set: the x-in-window rule is on (failuresInWindow
   * above 0) exactly when window is above 0.
   *
   * @throws InvalidEventException naming {@code window} or {@code failuresInWindow}
   */
  public PolicyFields checkComplete() {
    int n = failuresInWindow.orElse(0);
    Duration w = window.orElse(Duration.ZERO);
    if (n == 0 && !w.isZero()) {
      throw new InvalidEventException(
          "window", "must be 0 (off) unless failuresInWindow is set, was " + w);
    }
    if (n > 0 && w.isZero()) {
      throw new InvalidEventException(
          "failuresInWindow", "needs a window (1 s to 1 day) when above 0, was " + n);
    }
    return this;
  }
}
