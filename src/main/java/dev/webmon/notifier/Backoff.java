package dev.webmon.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When a notification whose attempt failed is tried again: after the n-th failure a delay drawn
 * uniformly from [{@code retry-initial}, min({@code retry-max}, {@code retry-initial} × 2ⁿ)]
 * (exponential backoff with full jitter above the initial delay), or exactly the receiver's
 * {@code Retry-After} when it sent one. Never later than {@code created + give-up-after}: the
 * last attempt happens at that instant, and a failure at or after it gives up. Thread-safe if
 * the random generator is.
 */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private final Duration giveUpAfter;
  private final RandomGenerator random;

  Backoff(Duration initial, Duration max, Duration giveUpAfter, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.giveUpAfter = giveUpAfter;
    this.random = random;
  }

  static Backoff of(NotifierConfig config) {
    return new Backoff(config.retryInitial(), config.retryMax(), config.giveUpAfter(), RandomGenerator.getDefault());
  }

  /** Retry at this instant, or give up. */
  sealed interface Decision {}

  record RetryAt(Instant at) implements Decision {}

  record GiveUp(String why) implements Decision {}

  /**
   * @param failures how many attempts have failed, this one included (1 after the first)
   * @param created when the notification was queued
   * @param now when this attempt failed
   */
  Decision afterFailure(int failures, Instant created, Instant now, Optional<Duration> retryAfter) {
    Instant deadline = created.plus(giveUpAfter);
    if (!now.isBefore(deadline)) {
      return new GiveUp("not delivered within " + giveUpAfter + " (" + failures + " attempts)");
    }
    Duration delay = retryAfter.orElseGet(() -> jittered(failures));
    Instant at = now.plus(delay);
    return new RetryAt(at.isAfter(deadline) ? deadline : at);
  }

  /** Uniform in [initial, min(max, initial × 2^failures)]. */
  Duration jittered(int failures) {
    long initialMs = initial.toMillis();
    long ceilingMs = max.toMillis();
    int shift = Math.min(Math.max(failures, 0), 40);
    if (initialMs <= ceilingMs >> shift) {
      ceilingMs = initialMs << shift;
    }
    long span = Math.max(0, ceilingMs - initialMs);
    return Duration.ofMillis(initialMs + (span == 0 ? 0 : random.nextLong(span + 1)));
  }
}
