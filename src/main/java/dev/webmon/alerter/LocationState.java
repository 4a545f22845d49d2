package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.event.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What one location has seen of one target, fed that location's results in their own {@code
 * startedAt} order. Immutable: {@link #apply} returns the next state. {@link #status()} is the
 * evidence (UP / DOWN / DEGRADED); silence is judged separately by {@link #statusAt}, so a silent
 * location keeps its evidence and resumes from it.
 *
 * @param location the agent location
 * @param status UP, DOWN or DEGRADED (never UNKNOWN)
 * @param lastStartedAt startedAt of the newest result accepted
 * @param lastResultId its id
 * @param failures consecutive failed checks
 * @param passes consecutive passed checks
 * @param slow consecutive passed checks slower than the policy's {@code degradedAboveMs}
 * @param fast consecutive passed checks not slower than that
 * @param streakStart the first result of the current failure streak (cause when it goes DOWN)
 * @param slowStart the first result of the current slow streak (cause when it goes DEGRADED)
 * @param recentFailures the newest failures, at most {@code failuresInWindow}, oldest first
 * @param since the result that started the current DOWN or DEGRADED status
 * @param reason the reason of the newest failure while DOWN
 */
record LocationState(
    String location,
    Status status,
    Instant lastStartedAt,
    UUID lastResultId,
    int failures,
    int passes,
    int slow,
    int fast,
    Optional<UUID> streakStart,
    Optional<UUID> slowStart,
    List<Strike> recentFailures,
    Optional<UUID> since,
    Optional<Reason> reason) {

  /** One failed check, for the x-in-window rule. */
  record Strike(Instant at, UUID resultId) {
    Strike {
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(resultId, "resultId");
    }
  }

  LocationState {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(status, "status");
    if (status == Status.UNKNOWN) {
      throw new IllegalArgumentException("status UNKNOWN is derived, never stored");
    }
    Objects.requireNonNull(lastStartedAt, "lastStartedAt");
    Objects.requireNonNull(lastResultId, "lastResultId");
    Objects.requireNonNull(streakStart, "streakStart");
    Objects.requireNonNull(slowStart, "slowStart");
    recentFailures = List.copyOf(recentFailures);
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(reason, "reason");
  }

  /** The state after the first result of a location: UP, counting from that result. */
  static LocationState first(CheckResult r, Policy p) {
    LocationState blank =
        new LocationState(r.location(), Status.UP, Instant.MIN, r.resultId(), 0, 0, 0, 0,
            Optional.empty(), Optional.empty(), List.of(), Optional.empty(), Optional.empty());
    return blank.apply(r, p);
  }

  /** How long a location may stay quiet before it is silent: 3 × interval + timeout. */
  static Duration silenceAfter(Duration interval, Duration timeout) {
    return interval.multipliedBy(3).plus(timeout);
  }

  /** UNKNOWN when nothing was seen for more than {@code silenceAfter} before {@code now}. */
  Status statusAt(Instant now, Duration silenceAfter) {
    return silent(now, silenceAfter) ? Status.UNKNOWN : status;
  }

  boolean silent(Instant now, Duration silenceAfter) {
    return now.isAfter(lastStartedAt.plus(silenceAfter));
  }

  /**
   * The state after {@code r}; {@code this} unchanged when {@code r} is not newer than the last
   * result seen (late or duplicate).
   */
  LocationState apply(CheckResult r, Policy p) {
    Instant at = r.startedAt();
    if (!at.isAfter(lastStartedAt)) {
      return this;
    }
    UUID id = r.resultId();
    return r.outcome() == Outcome.DOWN ? failed(at, id, r.reason(), p) : passed(at, id, r, p);
  }

  private LocationState failed(Instant at, UUID id, Optional<Reason> why, Policy p) {
    int f = failures + 1;
    Optional<UUID> streak = failures == 0 ? Optional.of(id) : streakStart;
    List<Strike> strikes = recentFailures;
    Optional<UUID> windowCause = Optional.empty();
    if (p.windowRule()) {
      List<Strike> kept = new ArrayList<>(recentFailures.size() + 1);
      Instant from = at.minus(p.window());
      for (Strike s : recentFailures) {
        if (!s.at().isBefore(from)) {
          kept.add(s);
        }
      }
      kept.add(new Strike(at, id));
      while (kept.size() > p.failuresInWindow()) {
        kept.remove(0);
      }
      if (kept.size() == p.failuresInWindow()) {
        windowCause = Optional.of(kept.get(0).resultId());
      }
      strikes = kept;
    } else if (!strikes.isEmpty()) {
      strikes = List.of();
    }
    Status next = status;
    Optional<UUID> cause = since;
    if (status != Status.DOWN) {
      if (f >= p.failureThreshold()) {
        next = Status.DOWN;
        cause = streak;
      } else if (windowCause.isPresent()) {
        next = Status.DOWN;
        cause = windowCause;
      }
    }
    return new LocationState(location, next, at, id, f, 0, 0, 0, streak, Optional.empty(),
        strikes, cause, next == Status.DOWN ? why : Optional.empty());
  }

  private LocationState passed(Instant at, UUID id, CheckResult r, Policy p) {
    int ps = passes + 1;
    boolean isSlow = p.degradedRule() && r.timings().totalMicros() > p.degradedAboveMs() * 1000;
    int sl = isSlow ? slow + 1 : 0;
    int fa = isSlow ? 0 : fast + 1;
    Optional<UUID> slowFrom = isSlow ? (slow == 0 ? Optional.of(id) : slowStart) : Optional.empty();
    Status next = status;
    Optional<UUID> cause = since;
    Optional<Reason> why = reason;
    switch (status) {
      case DOWN -> {
        if (ps >= p.recoveryThreshold()) {
          next = Status.UP;
        }
      }
      case DEGRADED -> {
        if (fa >= p.recoveryThreshold()) {
          next = Status.UP;
        }
      }
      case UP, UNKNOWN -> { }
    }
    if (next == Status.UP) {
      cause = Optional.empty();
      why = Optional.empty();
      if (sl >= p.failureThreshold()) {
        next = Status.DEGRADED;
        cause = slowFrom;
      }
    }
    return new LocationState(location, next, at, id, 0, ps, sl, fa, Optional.empty(), slowFrom,
        recentFailures, cause, why);
  }
}
