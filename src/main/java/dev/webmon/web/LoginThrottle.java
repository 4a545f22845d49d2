package dev.webmon.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: at most {@link #MAX_FAILURES} failed logins per client address within
 * {@link #WINDOW}; further attempts get 429 until the oldest failure leaves the window. Per web
 * instance (bcrypt already makes each guess cost ~50 ms). Thread-safe.
 */
final class LoginThrottle {
  static final int MAX_FAILURES = 10;
  static final Duration WINDOW = Duration.ofMinutes(5);
  private static final int MAX_TRACKED = 10_000;

  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  LoginThrottle(Clock clock) {
    this.clock = clock;
  }

  /** Throws 429 when the address has too many recent failures. */
  void check(String address) {
    Deque<Instant> f = failures.get(address);
    if (f == null) {
      return;
    }
    synchronized (f) {
      prune(f);
      if (f.size() >= MAX_FAILURES) {
        throw new TooManyRequestsException("Too many failed logins from this address; wait a few minutes and try again.");
      }
    }
  }

  void failed(String address) {
    if (failures.size() > MAX_TRACKED) {
      failures.clear(); // bounded memory under a spray of addresses; the limit is a speed bump, not a lock
    }
    Deque<Instant> f = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (f) {
      prune(f);
      f.addLast(clock.instant());
    }
  }

  void succeeded(String address) {
    failures.remove(address);
  }

  private void prune(Deque<Instant> f) {
    Instant cutoff = clock.instant().minus(WINDOW);
    while (!f.isEmpty() && f.peekFirst().isBefore(cutoff)) {
      f.pollFirst();
    }
  }
}
