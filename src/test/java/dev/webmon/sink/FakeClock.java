package dev.webmon.sink;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand. */
final class FakeClock implements InstantSource {
  private final AtomicLong millis;

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

  Instant advance(Duration d) {
    return Instant.ofEpochMilli(millis.addAndGet(d.toMillis()));
  }

  void set(Instant t) {
    millis.set(t.toEpochMilli());
  }
}
