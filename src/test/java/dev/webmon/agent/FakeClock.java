package dev.webmon.agent;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock and a monotonic ticker (nanoseconds, like {@code System::nanoTime}) that the test
 * moves by hand: {@link #advance} is time passing (both move), {@link #stepWall} and {@link #set}
 * are steps of the wall clock alone (NTP, an operator, a resumed VM).
 */
final class FakeClock implements InstantSource {
  private final AtomicLong millis;
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  FakeClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  /** The monotonic ticker, for {@code Scheduler}'s ticker parameter. */
  long nanoTime() {
    return nanos.get();
  }

  /** Time passes: the wall clock and the ticker move together. */
  Instant advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return Instant.ofEpochMilli(millis.addAndGet(d.toMillis()));
  }

  /** The wall clock steps by {@code d} (negative: back) while the ticker stands still. */
  void stepWall(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /** The wall clock steps to {@code t} while the ticker stands still. */
  void set(Instant t) {
    millis.set(t.toEpochMilli());
  }
}
