package dev.webmon.sink;

import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.store.UnavailableException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls the results, targets and incidents topics, decodes every record
 * ({@link RecordDecoder}: refused ones become dead letters), closes a batch on count, bytes or
 * linger ({@link BatchAssembler}), and hands it to the writer thread ({@link WritePipeline}),
 * which writes it with the {@link BatchStore} in one transaction with its offsets. While the writer writes batch n, this
 * thread polls, decodes and COPY-encodes batch n+1 (at most two sealed batches, both handed to
 * the writer thread at once, so it starts the next one the moment the previous one commits), so
 * Kafka/JSON work and PostgreSQL work overlap. A batch whose write fails or is fenced halts the
 * writer: the batches after it are skipped, not attempted, and stay queued.
 *
 * <p>Exactly once: PostgreSQL's {@code sink_offset} is the truth ({@link PartitionOffsets},
 * followed by the consumer through {@link Positions}). On assignment a partition's stored offset is read and sought to before anything is fetched (the
 * beginning when none); while PostgreSQL cannot answer, the partition stays paused. A batch's
 * offsets move in its own transaction, compare-and-set against the offsets it was built on, so a
 * write stores the batch and its offsets or nothing, and batches commit in order. On revocation
 * the pending batches are written once more; if that fails they are dropped and the partitions
 * kept are sought back to their stored offsets, so nothing is skipped and nothing is written
 * twice. Kafka's committed offsets are only updated afterwards, for lag monitoring.
 *
 * <p>PostgreSQL unavailable: the failed batch is kept, every partition is paused, and the loop
 * keeps polling (so the group membership stays alive) while it retries ({@link RetryBackoff}).
 *
 * <p>Not thread-safe: the consumer's thread calls {@link #runOnce()}; the rebalance callbacks run
 * inside its poll. Only {@link BatchStore#write} runs on the writer thread.
 */
final class SinkLoop implements SinkConsumer.Rebalance {
  private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
  static final Duration IDLE_POLL = Duration.ofMillis(500);
  /** Poll timeout while a batch is being written, to hand over its result promptly. */
  static final Duration IN_FLIGHT_POLL = Duration.ofMillis(20);

  private final SinkConsumer consumer;
  private final TopicsConfig topics;
  private final SinkMetrics metrics;
  private final InstantSource clock;
  private final RecordDecoder decoder;
  private final BatchAssembler assembler;
  private final PartitionOffsets offsets = new PartitionOffsets();
  private final Positions positions;
  private final WritePipeline pipeline;
  private final RetryBackoff backoff;
  private final ThreadTimes times = new ThreadTimes();
  private final CommitReporter reporter;

  SinkLoop(
      SinkConsumer consumer,
      BatchStore store,
      ExecutorService writerThread,
      EventCodec codec,
      SinkConfig config,
      TopicsConfig topics,
      SinkMetrics metrics,
      InstantSource clock,
      Sink.CommitListener listener) {
    this.consumer = consumer;
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
    this.decoder = new RecordDecoder(codec, topics.results(), topics.incidents(), metrics);
    this.assembler = new BatchAssembler(store, config, clock);
    this.positions = new Positions(consumer, store, offsets, metrics);
    this.pipeline = new WritePipeline(store, writerThread);
    this.backoff = new RetryBackoff(config.retryBackoffMax(), clock, metrics);
    this.reporter = new CommitReporter(consumer, metrics, listener, times, topics.dlq());
  }

  void subscribe() {
    consumer.subscribe(List.of(topics.results(), topics.targets(), topics.incidents()), this);
  }

  /**
   * One iteration: take the written batch's result, retry what waits for PostgreSQL if due, poll,
   * decode, and hand over a full batch.
   */
  void runOnce() {
    completeDone();
    if (backoff.waiting()) {
      if (backoff.due()) {
        // A retry is synchronous: nothing else can go on meanwhile. (Batches may still be in
        // flight when an offset lookup was what failed: their outcomes come first.)
        if (!pipeline.inFlight() && !pipeline.isEmpty()) {
          pipeline.handOverNext();
        }
        while (pipeline.inFlight() && complete(true)) {
          // the head's outcome, then the next's
        }
        if (backoff.waiting() && !pipeline.inFlight() && pipeline.isEmpty() && offsets.anyUnknown()) {
          readStored(offsets.unknown());
        }
      }
    } else if (offsets.anyUnknown()) {
      readStored(offsets.unknown());
    }
    pump();
    positions.applyPauses(backoff.waiting() && !pipeline.isEmpty());
    long t0 = System.nanoTime();
    Iterable<ConsumerRecord<byte[], byte[]>> records;
    try {
      records = consumer.poll(pollTimeout());
    } catch (OffsetOutOfRangeException e) {
      positions.outOfRange(e.offsetOutOfRangePartitions());
      records = List.of();
    }
    long t1 = System.nanoTime();
    Batch building = assembler.current();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      decoder.accept(r, building, clock.millis());
    }
    long t2 = System.nanoTime();
    times.polled(t1 - t0);
    times.decoded(t2 - t1);
    if (assembler.isFull()) {
      if (pipeline.isFull() && !backoff.waiting()) {
        complete(true); // back-pressure: wait for the batch being written
        times.waited(System.nanoTime() - t2);
      }
      if (!pipeline.isFull()) {
        seal();
      }
      pump();
    }
  }

  /** Writes everything pending once, if PostgreSQL is available (shutdown). */
  void flushOnce() {
    drain();
  }

  /** Hands every queued batch not handed over yet to the writer thread, if PostgreSQL is available. */
  private void pump() {
    if (!backoff.waiting()) {
      pipeline.handOverAll();
    }
  }

  private Duration pollTimeout() {
    if (backoff.waiting() && (!pipeline.isEmpty() || offsets.anyUnknown())) {
      return BatchAssembler.clamp(backoff.untilNextAttempt(), IDLE_POLL);
    }
    return assembler.pollTimeout(pipeline.inFlight() ? IN_FLIGHT_POLL : IDLE_POLL);
  }

  /** Closes the building batch: fixes its offset ranges on top of the batches before it. */
  private void seal() {
    Batch sealed = assembler.seal(offsets.sealedNext());
    offsets.sealed(sealed);
    pipeline.add(sealed);
  }

  /** Takes the outcomes of the batches already written, in order, without waiting. */
  private void completeDone() {
    while (pipeline.headDone() && complete(false)) {
      // next
    }
  }

  /**
   * Takes the outcome of the oldest batch in flight, waiting for it if {@code wait}. Returns true
   * when there was none or it was committed (or fenced and dropped); false when it is not done or
   * failed for unavailability (it stays at the head of the queue and the backoff grows).
   */
  private boolean complete(boolean wait) {
    return switch (pipeline.take(wait)) {
      case WritePipeline.Committed c -> {
        offsets.committed(c.batch());
        reporter.committed(c.batch(), c.written());
        maybeRecovered();
        yield true;
      }
      case WritePipeline.Fenced f -> {
        metrics.fenced();
        LOG.warn(
            "Batch dropped: sink_offset of {} was moved by another sink instance (this one lost the partitions); "
                + "re-reading offsets from PostgreSQL",
            f.batch().partitions());
        discardPending(Set.of());
        offsets.forgetStored();
        yield true;
      }
      case WritePipeline.Unavailable u -> {
        backoff.failed(u.cause());
        yield false;
      }
      case WritePipeline.Idle idle -> idle == WritePipeline.Idle.NOTHING;
    };
  }

  /**
   * Writes everything pending — the batch in flight, the queue, the building batch — one after
   * the other, once. Returns false (leaving the rest queued) at the first failure.
   */
  private boolean drain() {
    while (pipeline.inFlight()) {
      if (!complete(true)) {
        return false;
      }
    }
    if (backoff.waiting() && !pipeline.isEmpty()) {
      return false;
    }
    if (!assembler.isEmpty()) {
      seal();
    }
    while (!pipeline.isEmpty()) {
      if (!pipeline.inFlight()) {
        pipeline.handOverNext();
      }
      if (!complete(true)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Drops the building and queued batches (after the one in flight has finished either way) and
   * seeks the partitions kept (all assigned ones except {@code leaving}) back to their stored
   * offsets, so their records are read again.
   */
  private void discardPending(Set<TopicPartition> leaving) {
    try {
      while (pipeline.inFlight() && complete(true)) {
        // the batches in flight finish either way first
      }
    } catch (RuntimeException e) {
      LOG.debug("Batch in flight failed while dropping pending batches: {}", e.toString());
    }
    assembler.discard();
    pipeline.clear();
    positions.seekBack(leaving);
  }

  private void readStored(Collection<TopicPartition> partitions) {
    try {
      positions.readStored(partitions);
    } catch (UnavailableException e) {
      backoff.failed(e);
      return;
    }
    maybeRecovered();
  }

  /** Available again once nothing waits for PostgreSQL any more. */
  private void maybeRecovered() {
    if (backoff.waiting() && pipeline.isEmpty() && !offsets.anyUnknown()) {
      backoff.recovered();
    }
  }

  @Override
  public void assigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    metrics.assigned(partitions.size());
    offsets.assigned(partitions);
    if (!backoff.waiting()) {
      readStored(new ArrayList<>(partitions));
    }
    // Those whose stored offset could not be read stay paused until PostgreSQL answers. The
    // others were sought to their stored offsets: this same poll may fetch them (pausing them
    // all would leave it idle until its timeout).
    positions.pauseUnknown(partitions);
  }

  @Override
  public void revoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    metrics.revoked(partitions.size());
    Set<TopicPartition> leaving = new HashSet<>(partitions);
    if ((!pipeline.isEmpty() || !assembler.isEmpty()) && !drain()) {
      LOG.warn(
          "Partitions {} revoked while batches were not written: dropping them; their records are read again "
              + "from the offsets stored in PostgreSQL",
          leaving);
      discardPending(leaving);
    }
    forget(leaving);
  }

  @Override
  public void lost(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    metrics.lost(partitions.size());
    Set<TopicPartition> leaving = new HashSet<>(partitions);
    LOG.warn("Partitions {} lost (the group moved on without this instance): dropping pending batches", leaving);
    discardPending(leaving);
    forget(leaving);
  }

  private void forget(Set<TopicPartition> leaving) {
    offsets.remove(leaving);
    if (offsets.isEmpty() && pipeline.isEmpty() && backoff.waiting()) {
      // Nothing left waiting for PostgreSQL: next assignment tries at once.
      backoff.retryNow();
    }
  }
}
