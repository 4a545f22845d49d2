package dev.webmon.check;

/** The end of a check's total timeout, on the {@link System#nanoTime()} clock. Not thread-safe. */
final class Deadline {
  private final long endNanos;

  Deadline(long startNanos, long timeoutNanos) {
    this.endNanos = startNanos + timeoutNanos;
  }

  long remainingNanos() {
    return endNanos - System.nanoTime();
  }

  /** Milliseconds left, at least 1 while any time is left (0 = expired), for socket timeouts. */
  int remainingMillis() {
    long nanos = remainingNanos();
    if (nanos <= 0) {
      return 0;
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (nanos + 999_999) / 1_000_000));
  }

  boolean expired() {
    return remainingNanos() <= 0;
  }

  long endNanos() {
    return endNanos;
  }
}
