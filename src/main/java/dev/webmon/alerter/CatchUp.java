package dev.webmon.alerter;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Whether a task has caught up with the backlog in its input partitions, so that its ticks may
 * judge silence at {@code clock.instant()}. Right after a task is (re)assigned (a takeover after
 * an instance died, a restart after an outage) the partitions may hold results that the task has
 * not processed yet; a tick then would find targets silent that are not, open a false {@code
 * no-data} incident and move every target's clock past the backlog. So ticks judge nothing until
 * the first of:
 *
 * <ol>
 *   <li><b>stream time near the clock</b>: the task's stream time (the largest record timestamp
 *       it processed; results carry their produce time, agents set no timestamp) is at most
 *       {@link #LAG} behind the clock: everything produced until then has been processed. This is
 *       how a task with a live stream catches up, at its first result.
 *   <li><b>no progress for a grace</b>: stream time has not advanced for {@link #grace(Duration)} (and at
 *       least that long since start): nothing is waiting, the backlog (if any) is drained and is
 *       older than {@code LAG}. This is how real silence is still found: with every agent dead
 *       there are no results at all, and {@code no-data} comes one grace after the start. A grace
 *       measured from the last progress rather than from the start keeps a backlog that takes
 *       longer than the grace to drain from looking silent.
 *   <li><b>a bound</b>: {@link #bound(Duration)} since the start, whatever stream time does (an agent whose
 *       clock lags the alerter's by more than {@code LAG} keeps stream time advancing yet behind),
 *       so silence detection is never off for longer after a start.
 * </ol>
 *
 * Once caught up, a task stays so until it is closed (a new assignment makes a new one), so a
 * stream that stops later (every agent dying) is judged at every tick as before. Not thread-safe.
 */
final class CatchUp {
  /**
   * How far stream time may lag the clock for the task to count as caught up: produce latency and
   * some clock skew between agents and alerter. Far below the shortest silence (3 × 10 s + the
   * timeout), so a location's result within it but not processed yet cannot make it silent.
   */
  static final Duration LAG = Duration.ofSeconds(10);

  /** The shortest grace without progress, whatever the tick. */
  static final Duration MIN_GRACE = Duration.ofSeconds(60);

  /** The longest a task waits after its start, whatever stream time does (at least one grace). */
  static final Duration MAX_WAIT = Duration.ofMinutes(10);

  private final Instant started;
  private final Duration grace;
  private final Duration bound;
  private long streamTime;
  private Instant progressed;
  private boolean caughtUp;

  /**
   * @param started the clock's instant when the task's processor was initialised
   * @param streamTimeMs the task's stream time then (restored from the committed offsets, or -1)
   * @param tick the tick interval
   */
  CatchUp(Instant started, long streamTimeMs, Duration tick) {
    this.started = Objects.requireNonNull(started, "started");
    this.grace = grace(tick);
    this.bound = bound(tick);
    this.streamTime = streamTimeMs;
    this.progressed = started;
  }

  /**
   * max(2 × tick, {@link #MIN_GRACE}): long enough for a tick to see stream time advance while a
   * backlog drains (Streams punctuates between records), short enough that an outage of every
   * agent still opens {@code no-data} about a minute after a start.
   */
  static Duration grace(Duration tick) {
    return max(tick.multipliedBy(2), MIN_GRACE);
  }

  /** max({@link #MAX_WAIT}, the grace). */
  static Duration bound(Duration tick) {
    return max(grace(tick), MAX_WAIT);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) > 0 ? a : b;
  }

  /** Whether caught up, given the clock and the task's stream time now; called at each tick. */
  boolean caughtUp(Instant now, long streamTimeMs) {
    if (caughtUp) {
      return true;
    }
    if (streamTimeMs > streamTime) {
      streamTime = streamTimeMs;
      progressed = now;
    }
    caughtUp = streamTimeMs >= now.minus(LAG).toEpochMilli()
        || !now.isBefore(progressed.plus(grace))
        || !now.isBefore(started.plus(bound));
    return caughtUp;
  }
}
