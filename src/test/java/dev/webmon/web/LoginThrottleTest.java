package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  /** A clock the test moves. */
  private static final class TestClock implements InstantSource {
    private volatile Instant now = T0;

    @Override
    public Instant instant() {
      return now;
    }

    void set(Instant t) {
      now = t;
    }
  }

  private final TestClock clock = new TestClock();

  @Test
  void anAddressIsBlockedUntilItsOldestFailureLeavesTheWindowExactly() {
    LoginThrottle throttle = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      clock.set(T0.plusSeconds(i));
      throttle.begin("203.0.113.1", "user" + i);
    }
    clock.set(T0.plusSeconds(10));
    assertThatThrownBy(() -> throttle.begin("203.0.113.1", "x")).isInstanceOf(TooManyRequestsException.class);
    assertThat(throttle.addressBlockedUntil("203.0.113.1")).contains(T0.plus(LoginThrottle.WINDOW));
    assertThatCode(() -> throttle.begin("203.0.113.2", "x")).as("another address").doesNotThrowAnyException();

    clock.set(T0.plus(LoginThrottle.WINDOW).minusNanos(1));
    assertThatThrownBy(() -> throttle.begin("203.0.113.1", "x")).isInstanceOf(TooManyRequestsException.class);
    clock.set(T0.plus(LoginThrottle.WINDOW));
    assertThatCode(() -> throttle.begin("203.0.113.1", "x")).as("the first failure has left").doesNotThrowAnyException();
    // That attempt counts too: blocked again until the second failure (at T0 + 1 s) leaves.
    assertThat(throttle.addressBlockedUntil("203.0.113.1")).contains(T0.plusSeconds(1).plus(LoginThrottle.WINDOW));
  }

  @Test
  void aSuccessClearsItsAddressAndTakesItsAttemptBack() {
    LoginThrottle throttle = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.MAX_FAILURES - 1; i++) {
      throttle.begin("198.51.100.1", "admin");
    }
    throttle.begin("198.51.100.1", "admin").succeeded();
    assertThat(throttle.addressBlockedUntil("198.51.100.1")).isEmpty();
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      throttle.begin("198.51.100.1", "admin");
    }
    assertThatThrownBy(() -> throttle.begin("198.51.100.1", "admin")).isInstanceOf(TooManyRequestsException.class);
  }

  @Test
  void aUserNameIsBlockedWhateverTheAddressesAndSpelling() {
    LoginThrottle throttle = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.MAX_USER_FAILURES; i++) {
      throttle.begin("192.0.2." + i, "admin");
    }
    assertThatThrownBy(() -> throttle.begin("192.0.2.250", "admin"))
        .isInstanceOf(TooManyRequestsException.class)
        .hasMessageContaining("for this user");
    assertThatThrownBy(() -> throttle.begin("192.0.2.251", " ADMIN ")).isInstanceOf(TooManyRequestsException.class);
    assertThatCode(() -> throttle.begin("192.0.2.252", "other")).doesNotThrowAnyException();
    clock.set(T0.plus(LoginThrottle.WINDOW));
    assertThatCode(() -> throttle.begin("192.0.2.253", "admin")).doesNotThrowAnyException();
  }

  @Test
  void aFloodOfNewAddressesEvictsTheOldestCountersNotAll() {
    LoginThrottle throttle = new LoginThrottle(clock);
    for (int i = 0; i < LoginThrottle.MAX_TRACKED; i++) {
      throttle.begin("old-" + i, "u" + i);
    }
    clock.set(T0.plusSeconds(1));
    for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
      throttle.begin("recent", "v" + i);
    }
    throttle.begin("one-more", "w");
    assertThatThrownBy(() -> throttle.begin("recent", "x")).isInstanceOf(TooManyRequestsException.class);
  }

  @Test
  void theOldestCounterGoesFirst() {
    LoginThrottle throttle = new LoginThrottle(clock, 3);
    for (String address : List.of("a", "b", "c")) {
      for (int i = 0; i < LoginThrottle.MAX_FAILURES; i++) {
        throttle.begin(address, address + i);
      }
      clock.set(clock.instant().plusSeconds(1));
    }
    throttle.begin("d", "d");
    assertThat(throttle.addressBlockedUntil("a")).as("evicted").isEmpty();
    assertThat(throttle.addressBlockedUntil("b")).contains(T0.plusSeconds(1).plus(LoginThrottle.WINDOW));
    assertThat(throttle.addressBlockedUntil("c")).contains(T0.plusSeconds(2).plus(LoginThrottle.WINDOW));
  }

  @Test
  void concurrentAttemptsAreCountedBeforeAnyIsVerified() throws Exception {
    LoginThrottle throttle = new LoginThrottle(clock);
    int threads = 64;
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch allBegun = new CountDownLatch(threads);
    AtomicInteger verifications = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    throttle.begin("203.0.113.7", "admin");
                  } catch (TooManyRequestsException e) {
                    allBegun.countDown();
                    return null;
                  }
                  allBegun.countDown();
                  // "bcrypt": runs only once every attempt has passed or failed the throttle.
                  allBegun.await(30, TimeUnit.SECONDS);
                  verifications.incrementAndGet();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(verifications.get()).isEqualTo(LoginThrottle.MAX_FAILURES);
  }
}
