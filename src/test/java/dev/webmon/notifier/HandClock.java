package dev.webmon.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A UTC clock that only moves when the test moves it (web tests use it too). Thread-safe. */
public final class HandClock extends Clock {
  private final AtomicReference<Instant> now;

  public HandClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  void advance(Duration d) {
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a hand clock is UTC");
  }
}
