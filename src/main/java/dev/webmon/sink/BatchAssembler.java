package dev.webmon.sink;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch being built, and when it is full: at {@code sink.batch-max-records} records, {@code
 * sink.batch-max-bytes} bytes, or once its first record has waited {@code sink.batch-max-linger}.
 * Not thread-safe (the consumer thread).
 */
final class BatchAssembler {
  private static final Logger LOG = LoggerFactory.getLogger(BatchAssembler.class);

  private final BatchStore store;
  private final SinkConfig config;
  private final InstantSource clock;
  private Batch batch;

  BatchAssembler(BatchStore store, SinkConfig config, InstantSource clock) {
    this.store = store;
    this.config = config;
    this.clock = clock;
    this.batch = store.newBatch();
  }

  /** The batch records are added to. */
  Batch current() {
    return batch;
  }

  boolean isEmpty() {
    return batch.isEmpty();
  }

  boolean isFull() {
    return !batch.isEmpty()
        && (batch.records() >= config.batchMaxRecords()
            || batch.bytes() >= config.batchMaxBytes()
            || clock.millis() - batch.firstAddedMillis() >= config.batchMaxLinger().toMillis());
  }

  /** How long a poll may wait: until the batch's linger ends (zero if it has), at most {@code max}. */
  Duration pollTimeout(Duration max) {
    if (batch.isEmpty()) {
      return max;
    }
    return clamp(Duration.ofMillis(batch.firstAddedMillis() + config.batchMaxLinger().toMillis() - clock.millis()), max);
  }

  static Duration clamp(Duration d, Duration max) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /**
   * Closes the batch on top of the offsets the batches before it end at ({@code sealedNext}, see
   * {@link Batch#seal}), returns it, and starts a new one.
   */
  Batch seal(Map<TopicPartition, Long> sealedNext) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Batch of {} record(s) closed after {} ms", batch.records(), clock.millis() - batch.firstAddedMillis());
    }
    Batch sealed = batch;
    sealed.seal(sealedNext);
    batch = store.newBatch();
    return sealed;
  }

  /** Drops the batch (its records are read again) and starts a new one. */
  void discard() {
    batch = store.newBatch();
  }
}
