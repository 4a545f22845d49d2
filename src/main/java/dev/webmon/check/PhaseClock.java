package dev.webmon.check;

import dev.webmon.event.PhaseTimings;

/** Accumulates phase durations over the hops of one check, in nanoseconds. Not thread-safe. */
final class PhaseClock {
  long dns;
  long connect;
  long tls;
  long ttfb;
  long transfer;

  PhaseTimings toTimings(long totalNanos) {
    return new PhaseTimings(
        micros(dns), micros(connect), micros(tls), micros(ttfb), micros(transfer), micros(totalNanos));
  }

  private static long micros(long nanos) {
    return Math.max(0, nanos / 1000);
  }
}
