package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Duration INITIAL = Duration.ofSeconds(10);
  private static final Duration MAX = Duration.ofMinutes(30);
  private static final Duration GIVE_UP = Duration.ofHours(24);
  private static final Instant CREATED = Instant.parse("2026-03-01T12:00:00Z");

  /** A generator that always answers its bound minus one, or zero: the two ends of every draw. */
  private static RandomGenerator extreme(boolean high) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public long nextLong(long bound) {
        return high ? bound - 1 : 0;
      }
    };
  }

  @Test
  void delaysStayBetweenInitialAndTheDoublingCeilingCappedAtMax() {
    Backoff b = new Backoff(INITIAL, MAX, GIVE_UP, new SplittableRandom(42));
    for (int failures = 1; failures <= 30; failures++) {
      long ceiling = Math.min(MAX.toMillis(), INITIAL.toMillis() << Math.min(failures, 40));
      for (int i = 0; i < 200; i++) {
        Duration d = b.jittered(failures);
        assertThat(d).isBetween(INITIAL, Duration.ofMillis(ceiling));
      }
    }
  }

  @Test
  void theEndsOfTheJitterAreReached() {
    assertThat(new Backoff(INITIAL, MAX, GIVE_UP, extreme(false)).jittered(5)).isEqualTo(INITIAL);
    assertThat(new Backoff(INITIAL, MAX, GIVE_UP, extreme(true)).jittered(1)).isEqualTo(Duration.ofSeconds(20));
    assertThat(new Backoff(INITIAL, MAX, GIVE_UP, extreme(true)).jittered(3)).isEqualTo(Duration.ofSeconds(80));
    assertThat(new Backoff(INITIAL, MAX, GIVE_UP, extreme(true)).jittered(20)).isEqualTo(MAX);
    assertThat(new Backoff(INITIAL, MAX, GIVE_UP, extreme(true)).jittered(1000)).isEqualTo(MAX);
  }

  @Test
  void retryAfterIsHonouredExactly() {
    Backoff b = new Backoff(INITIAL, MAX, GIVE_UP, extreme(true));
    Instant now = CREATED.plusSeconds(5);
    assertThat(b.afterFailure(1, CREATED, now, Optional.of(Duration.ofSeconds(120))))
        .isEqualTo(new Backoff.RetryAt(now.plusSeconds(120)));
    assertThat(b.afterFailure(1, CREATED, now, Optional.of(Duration.ofSeconds(1))))
        .isEqualTo(new Backoff.RetryAt(now.plusSeconds(1)));
  }

  @Test
  void theLastRetryIsAtExactlyGiveUpAfterAndAFailureThenGivesUp() {
    Backoff b = new Backoff(INITIAL, MAX, GIVE_UP, extreme(true));
    Instant deadline = CREATED.plus(GIVE_UP);
    Instant almost = deadline.minusSeconds(60);
    assertThat(b.afterFailure(40, CREATED, almost, Optional.empty())).isEqualTo(new Backoff.RetryAt(deadline));
    assertThat(b.afterFailure(40, CREATED, almost, Optional.of(Duration.ofHours(6))))
        .isEqualTo(new Backoff.RetryAt(deadline));
    assertThat(b.afterFailure(41, CREATED, deadline.minusMillis(1), Optional.empty()))
        .isEqualTo(new Backoff.RetryAt(deadline));
    assertThat(b.afterFailure(41, CREATED, deadline, Optional.empty())).isInstanceOf(Backoff.GiveUp.class);
    assertThat(b.afterFailure(41, CREATED, deadline.plusSeconds(1), Optional.empty())).isInstanceOf(Backoff.GiveUp.class);
  }
}
