package dev.webmon.sink;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the consumer thread's time goes (polling, decoding, waiting for the writer) next to the
 * writer's busy time; logged at debug every 10 s. Not thread-safe (the consumer thread).
 */
final class ThreadTimes {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadTimes.class);
  private static final long EVERY_NANOS = 10_000_000_000L;

  private long pollNanos;
  private long decodeNanos;
  private long waitNanos;
  private long writeNanos;
  private long since = System.nanoTime();

  void polled(long nanos) {
    pollNanos += nanos;
  }

  void decoded(long nanos) {
    decodeNanos += nanos;
  }

  void waited(long nanos) {
    waitNanos += nanos;
  }

  /** A batch was written in this long; logs the totals if due. */
  void written(long nanos) {
    writeNanos += nanos;
    if (LOG.isDebugEnabled() && System.nanoTime() - since > EVERY_NANOS) {
      LOG.debug(
          "Last {} ms: consumer thread polling {} ms, decoding {} ms, waiting for the writer {} ms; writer busy {} ms",
          (System.nanoTime() - since) / 1_000_000, pollNanos / 1_000_000, decodeNanos / 1_000_000,
          waitNanos / 1_000_000, writeNanos / 1_000_000);
      pollNanos = decodeNanos = waitNanos = writeNanos = 0;
      since = System.nanoTime();
    }
  }
}
