package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the sink waits for PostgreSQL (or the dead-letter topic), and until when: the wait
 * doubles from {@link #MIN} at each failed attempt up to {@code sink.retry-backoff-max}. Logs
 * each failure and the recovery, and sets the availability gauge. (Kafka's {@code
 * ExponentialBackoff} computes the doubling in floating point: 6999 ms instead of a 7 s cap.)
 * Not thread-safe (the consumer thread).
 */
final class RetryBackoff {
  private static final Logger LOG = LoggerFactory.getLogger(RetryBackoff.class);
  static final Duration MIN = Duration.ofMillis(500);

  private final Duration max;
  private final InstantSource clock;
  private final SinkMetrics metrics;
  /** Null while available; else the current wait between attempts. */
  private Duration backoff;
  private Instant nextAttempt = Instant.EPOCH;
  private Instant unavailableSince;
  private String unavailableWhat = "PostgreSQL";

  RetryBackoff(Duration max, InstantSource clock, SinkMetrics metrics) {
    this.max = max;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Whether an attempt failed for unavailability and none succeeded since. */
  boolean waiting() {
    return backoff != null;
  }

  /** Whether the next attempt is due (always true while available). */
  boolean due() {
    return !clock.instant().isBefore(nextAttempt);
  }

  /** Time left until the next attempt; negative when overdue. */
  Duration untilNextAttempt() {
    return Duration.between(clock.instant(), nextAttempt);
  }

  /** An attempt failed: the next one waits 0.5 s, or twice the last wait, at most the maximum. */
  void failed(UnavailableException e) {
    Instant now = clock.instant();
    if (backoff == null) {
      backoff = MIN;
      unavailableSince = now;
      metrics.postgresAvailable(false);
    } else {
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(max) > 0) {
        backoff = max;
      }
    }
    metrics.unavailable();
    unavailableWhat = e.what();
    nextAttempt = now.plus(backoff);
    LOG.warn("{} unavailable, retrying in {}: {}", e.what(), seconds(backoff), e.getMessage());
  }

  /** Everything waiting was written: available again (nothing if it was). */
  void recovered() {
    if (backoff != null) {
      LOG.info("{} back after {}; resuming", unavailableWhat, seconds(Duration.between(unavailableSince, clock.instant())));
      backoff = null;
      metrics.postgresAvailable(true);
    }
  }

  /** Nothing is left waiting: the next attempt (e.g. at the next assignment) is due at once. */
  void retryNow() {
    nextAttempt = clock.instant();
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }
}
