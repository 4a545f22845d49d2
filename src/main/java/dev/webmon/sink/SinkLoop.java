package dev.webmon.sink;

import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls the results and targets topics, decodes every record (refused
 * ones become dead letters), closes a batch on count, bytes or linger, and hands it to the writer
 * thread, which writes it with {@link BatchWriter} in one transaction with its offsets. While the
 * writer writes batch n, this thread polls, decodes and COPY-encodes batch n+1 (at most two sealed
 * batches, both handed to the writer thread at once, so it starts the next one the moment the
 * previous one commits), so Kafka/JSON work and PostgreSQL work overlap. A batch whose write fails
 * or is fenced halts the writer: the batches after it are skipped, not attempted, and stay queued.
 *
 * <p>Exactly once: PostgreSQL's {@code sink_offset} is the truth. On assignment a partition's
 * stored offset is read and sought to before anything is fetched (the beginning when none); while
 * PostgreSQL cannot answer, the partition stays paused. A batch's
 * offsets move in its own transaction, compare-and-set against the offsets it was built on, so a
 * write stores the batch and its offsets or nothing, and batches commit in order. On revocation
 * the pending batches are written once more; if that fails they are dropped and the partitions
 * kept are sought back to their stored offsets, so nothing is skipped and nothing is written
 * twice. Kafka's committed offsets are only updated afterwards, for lag monitoring.
 *
 * <p>PostgreSQL unavailable: the failed batch is kept, every partition is paused, and the loop
 * keeps polling (so the group membership stays alive) while it retries with a doubling backoff up
 * to {@code sink.retry-backoff-max}.
 *
 * <p>Not thread-safe: the consumer's thread calls {@link #runOnce()}; the rebalance callbacks run
 * inside its poll. Only {@link BatchWriter#write} runs on the writer thread.
 */
final class SinkLoop implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(SinkLoop.class);
  static final String WRONG_KEY = "WRONG_KEY";
  static final Duration IDLE_POLL = Duration.ofMillis(500);
  /** Poll timeout while a batch is being written, to hand over its result promptly. */
  static final Duration IN_FLIGHT_POLL = Duration.ofMillis(20);
  static final Duration MIN_BACKOFF = Duration.ofMillis(500);
  /** Sealed batches not yet committed, at most: one being written and one waiting for the writer. */
  static final int MAX_QUEUED = 2;

  private final Consumer<byte[], byte[]> consumer;
  private final BatchWriter writer;
  private final ExecutorService writerThread;
  private final EventCodec codec;
  private final SinkConfig config;
  private final TopicsConfig topics;
  private final SinkMetrics metrics;
  private final InstantSource clock;
  private final Sink.CommitListener listener;

  /** For each assigned partition whose offset is known: what sink_offset holds (NONE: no row). */
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  /** For each partition: the next offset after the last sealed batch (stored if none is queued). */
  private final Map<TopicPartition, Long> sealedNext = new HashMap<>();
  /** Assigned partitions whose stored offset is not read yet; kept paused. */
  private final Set<TopicPartition> uninitialized = new HashSet<>();

  private Batch batch;
  // Where the consumer thread's time goes (debug log every 10 s).
  private long pollNanos;
  private long decodeNanos;
  private long waitNanos;
  private long writeNanos;
  private long statsSince = System.nanoTime();
  /** Sealed batches in commit order. */
  private final List<Batch> queue = new ArrayList<>(MAX_QUEUED);
  /** The writes of the first queue.size() or fewer batches, in the same order. */
  private final Deque<Future<BatchWriter.Written>> submitted = new ArrayDeque<>(MAX_QUEUED);
  /** Set on the writer thread when a batch fails or is fenced: the writes queued after it skip. */
  private final AtomicBoolean halted = new AtomicBoolean();

  /** Null while available; else the current wait between attempts. */
  private Duration backoff;
  private Instant nextAttempt = Instant.EPOCH;
  private Instant unavailableSince;
  private String unavailableWhat = "PostgreSQL";

  SinkLoop(
      Consumer<byte[], byte[]> consumer,
      BatchWriter writer,
      ExecutorService writerThread,
      EventCodec codec,
      SinkConfig config,
      TopicsConfig topics,
      SinkMetrics metrics,
      InstantSource clock,
      Sink.CommitListener listener) {
    this.consumer = consumer;
    this.writer = writer;
    this.writerThread = writerThread;
    this.codec = codec;
    this.config = config;
    this.topics = topics;
    this.metrics = metrics;
    this.clock = clock;
    this.listener = listener;
    this.batch = writer.newBatch();
  }

  void subscribe() {
    consumer.subscribe(List.of(topics.results(), topics.targets()), this);
  }

  /**
   * One iteration: take the written batch's result, retry what waits for PostgreSQL if due, poll,
   * decode, and hand over a full batch.
   */
  void runOnce() {
    completeDone();
    if (backoff != null) {
      if (!clock.instant().isBefore(nextAttempt)) {
        // A retry is synchronous: nothing else can go on meanwhile. (Batches may still be in
        // flight when an offset lookup was what failed: their outcomes come first.)
        if (submitted.isEmpty() && !queue.isEmpty()) {
          submitNext();
        }
        while (!submitted.isEmpty() && complete(true)) {
          // the head's outcome, then the next's
        }
        if (backoff != null && submitted.isEmpty() && queue.isEmpty() && !uninitialized.isEmpty()) {
          initOffsets(new ArrayList<>(uninitialized));
        }
      }
    } else if (!uninitialized.isEmpty()) {
      initOffsets(new ArrayList<>(uninitialized));
    }
    pump();
    applyPauses();
    long t0 = System.nanoTime();
    ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
    long t1 = System.nanoTime();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      accept(r);
    }
    long t2 = System.nanoTime();
    pollNanos += t1 - t0;
    decodeNanos += t2 - t1;
    if (isFull()) {
      if (queue.size() >= MAX_QUEUED && backoff == null) {
        complete(true); // back-pressure: wait for the batch being written
        waitNanos += System.nanoTime() - t2;
      }
      if (queue.size() < MAX_QUEUED) {
        seal();
      }
      pump();
    }
  }

  /** Hands every queued batch not handed over yet to the writer thread, if PostgreSQL is available. */
  private void pump() {
    while (backoff == null && submitted.size() < queue.size()) {
      submitNext();
    }
  }

  /** Writes everything pending once, if PostgreSQL is available (shutdown). */
  void flushOnce() {
    drain();
  }

  // ---- records

  private void accept(ConsumerRecord<byte[], byte[]> r) {
    batch.consumed(r, clock.millis());
    metrics.consumed(r.topic());
    if (r.topic().equals(topics.results())) {
      acceptResult(r);
    } else {
      acceptTarget(r);
    }
  }

  private void acceptResult(ConsumerRecord<byte[], byte[]> r) {
    CheckResult result;
    try {
      result = codec.decodeResult(r.value());
    } catch (DecodeException e) {
      dead(r, e.error().name(), e.getMessage());
      return;
    }
    String key = key(r);
    if (!result.targetId().equals(key)) {
      dead(r, WRONG_KEY, "key " + describeKey(key) + " is not the result's targetId '" + result.targetId() + "'");
      return;
    }
    batch.addResult(result, r);
  }

  private void acceptTarget(ConsumerRecord<byte[], byte[]> r) {
    String key = key(r);
    if (key == null || !key.matches("[A-Za-z0-9_-]{1,64}")) {
      dead(r, WRONG_KEY, "key " + describeKey(key) + " is not a target id");
      return;
    }
    if (r.value() == null) {
      batch.addTargetChange(new Batch.Delete(key, r));
      return;
    }
    TargetSpec spec;
    try {
      spec = codec.decodeTarget(r.value());
    } catch (DecodeException e) {
      dead(r, e.error().name(), e.getMessage());
      return;
    }
    if (!spec.id().equals(key)) {
      dead(r, WRONG_KEY, "key " + describeKey(key) + " is not the target's id '" + spec.id() + "'");
      return;
    }
    batch.addTargetChange(new Batch.Upsert(spec, new String(r.value(), StandardCharsets.UTF_8), r));
  }

  private void dead(ConsumerRecord<byte[], byte[]> r, String reason, String detail) {
    metrics.deadLetter(reason);
    LOG.debug("Dead letter {}-{}@{}: {}: {}", r.topic(), r.partition(), r.offset(), reason, detail);
    batch.addDeadLetter(DeadLetters.letter(r, reason, detail));
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String describeKey(String key) {
    if (key == null) {
      return "(none)";
    }
    String shown = key.length() > 80 ? key.substring(0, 80) + "..." : key;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  // ---- batches

  private boolean isFull() {
    return !batch.isEmpty()
        && (batch.records() >= config.batchMaxRecords()
            || batch.bytes() >= config.batchMaxBytes()
            || clock.millis() - batch.firstAddedMillis() >= config.batchMaxLinger().toMillis());
  }

  private Duration pollTimeout() {
    if (backoff != null && (!queue.isEmpty() || !uninitialized.isEmpty())) {
      return clamp(Duration.between(clock.instant(), nextAttempt), IDLE_POLL);
    }
    Duration max = submitted.isEmpty() ? IDLE_POLL : IN_FLIGHT_POLL;
    if (!batch.isEmpty()) {
      return clamp(Duration.ofMillis(batch.firstAddedMillis() + config.batchMaxLinger().toMillis() - clock.millis()), max);
    }
    return max;
  }

  private static Duration clamp(Duration d, Duration max) {
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(max) > 0 ? max : d;
  }

  /** Closes the building batch: fixes its offset ranges on top of the batches before it. */
  private void seal() {
    if (LOG.isDebugEnabled()) {
      LOG.debug("Batch of {} record(s) closed after {} ms", batch.records(), clock.millis() - batch.firstAddedMillis());
    }
    batch.seal(sealedNext);
    batch.ranges().forEach((tp, range) -> sealedNext.put(tp, range.next()));
    queue.add(batch);
    batch = writer.newBatch();
  }

  /** Hands the first queued batch not handed over yet to the writer thread. */
  private void submitNext() {
    Batch next = queue.get(submitted.size());
    submitted.addLast(
        writerThread.submit(
            () -> {
              if (halted.get()) {
                return BatchWriter.Written.skipped();
              }
              try {
                BatchWriter.Written w = writer.write(next);
                if (w.outcome() != BatchWriter.Outcome.COMMITTED) {
                  halted.set(true);
                }
                return w;
              } catch (RuntimeException | Error e) {
                halted.set(true);
                throw e;
              }
            }));
  }

  /** Takes the outcomes of the batches already written, in order, without waiting. */
  private void completeDone() {
    while (!submitted.isEmpty() && submitted.peekFirst().isDone() && complete(false)) {
      // next
    }
  }

  /**
   * Takes the outcome of the head of the queue if it was handed to the writer, waiting for it if
   * {@code wait}. Returns true when there was none or it was committed (or fenced and dropped);
   * false when it failed for unavailability (it stays at the head of the queue, the batches
   * behind it are taken back from the writer, and the backoff grows).
   */
  private boolean complete(boolean wait) {
    Future<BatchWriter.Written> head = submitted.peekFirst();
    if (head == null || (!wait && !head.isDone())) {
      return head == null;
    }
    BatchWriter.Written w;
    try {
      w = getUninterruptibly(head);
    } catch (ExecutionException e) {
      submitted.pollFirst();
      settleSkipped();
      if (e.getCause() instanceof UnavailableException u) {
        markUnavailable(u);
        return false;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("batch writer failed", e.getCause());
    }
    submitted.pollFirst();
    if (w.outcome() == BatchWriter.Outcome.SKIPPED) {
      throw new IllegalStateException("the head batch was skipped by the writer");
    }
    Batch b = queue.remove(0);
    if (w.outcome() == BatchWriter.Outcome.FENCED) {
      settleSkipped();
      metrics.fenced();
      LOG.warn(
          "Batch dropped: sink_offset of {} was moved by another sink instance (this one lost the partitions); "
              + "re-reading offsets from PostgreSQL",
          b.partitions());
      discardPending(Set.of());
      uninitialized.addAll(stored.keySet());
      stored.clear();
      sealedNext.clear();
      return true;
    }
    committed(b, w);
    return true;
  }

  private void committed(Batch b, BatchWriter.Written w) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    b.ranges().forEach((tp, range) -> {
      if (stored.containsKey(tp)) {
        stored.put(tp, range.next());
      }
      commits.put(tp, new OffsetAndMetadata(range.next()));
    });
    long[] latencies = new long[b.results.size()];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = w.committedAtMillis() - b.producedAt(i);
      metrics.latency(latencies[i]);
    }
    for (DeadLetters.Letter l : w.refusedLetters()) {
      metrics.deadLetter(l.reason);
    }
    metrics.committed(b.records(), w.rows(), w.duplicates(), Duration.ofNanos(w.writeNanos()));
    writeNanos += w.writeNanos();
    if (LOG.isDebugEnabled() && System.nanoTime() - statsSince > 10_000_000_000L) {
      LOG.debug(
          "Last {} ms: consumer thread polling {} ms, decoding {} ms, waiting for the writer {} ms; writer busy {} ms",
          (System.nanoTime() - statsSince) / 1_000_000, pollNanos / 1_000_000, decodeNanos / 1_000_000,
          waitNanos / 1_000_000, writeNanos / 1_000_000);
      pollNanos = decodeNanos = waitNanos = writeNanos = 0;
      statsSince = System.nanoTime();
    }
    if (!b.deadLetters.isEmpty() || w.refused() > 0) {
      LOG.warn("Batch committed with {} record(s) sent to the dead-letter topic {}", b.deadLetters.size() + w.refused(), topics.dlq());
    }
    commits.keySet().retainAll(consumer.assignment());
    if (!commits.isEmpty()) {
      consumer.commitAsync(
          commits,
          (offsets, e) -> {
            if (e != null) {
              LOG.debug("Committing offsets to Kafka (lag monitoring only) failed: {}", e.toString());
            }
          });
    }
    listener.committed(w.rows(), latencies);
    markAvailable();
  }

  /**
   * After a failed or fenced batch: waits for the writes handed over after it (the writer skips
   * them) and takes them back, so they are handed over again, in order, when writing resumes.
   */
  private void settleSkipped() {
    for (Future<BatchWriter.Written> f : submitted) {
      try {
        getUninterruptibly(f);
      } catch (ExecutionException e) {
        LOG.debug("A write after a failed one failed too: {}", e.getCause().toString());
      }
    }
    submitted.clear();
    halted.set(false);
  }

  private static <T> T getUninterruptibly(Future<T> f) throws ExecutionException {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return f.get();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Writes everything pending — the batch in flight, the queue, the building batch — one after
   * the other, once. Returns false (leaving the rest queued) at the first failure.
   */
  private boolean drain() {
    while (!submitted.isEmpty()) {
      if (!complete(true)) {
        return false;
      }
    }
    if (backoff != null && !queue.isEmpty()) {
      return false;
    }
    if (!batch.isEmpty()) {
      seal();
    }
    while (!queue.isEmpty()) {
      if (submitted.isEmpty()) {
        submitNext();
      }
      if (!complete(true)) {
        return false;
      }
    }
    return true;
  }

  private void markUnavailable(UnavailableException e) {
    Instant now = clock.instant();
    if (backoff == null) {
      backoff = MIN_BACKOFF;
      unavailableSince = now;
      metrics.postgresAvailable(false);
    } else {
      backoff = backoff.multipliedBy(2);
      if (backoff.compareTo(config.retryBackoffMax()) > 0) {
        backoff = config.retryBackoffMax();
      }
    }
    unavailableWhat = e.what();
    nextAttempt = now.plus(backoff);
    LOG.warn("{} unavailable, retrying in {}: {}", e.what(), seconds(backoff), e.getMessage());
  }

  private void markAvailable() {
    if (backoff != null && queue.isEmpty() && uninitialized.isEmpty()) {
      LOG.info("{} back after {}; resuming", unavailableWhat, seconds(Duration.between(unavailableSince, clock.instant())));
      backoff = null;
      metrics.postgresAvailable(true);
    }
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
  }

  // ---- partitions

  /** Pauses everything while PostgreSQL holds batches back, else only partitions whose offset is unknown. */
  private void applyPauses() {
    Set<TopicPartition> assigned = consumer.assignment();
    Set<TopicPartition> want = new HashSet<>();
    if (backoff != null && !queue.isEmpty()) {
      want.addAll(assigned);
    } else {
      for (TopicPartition tp : uninitialized) {
        if (assigned.contains(tp)) {
          want.add(tp);
        }
      }
    }
    Set<TopicPartition> paused = consumer.paused();
    List<TopicPartition> toPause = new ArrayList<>();
    for (TopicPartition tp : want) {
      if (!paused.contains(tp)) {
        toPause.add(tp);
      }
    }
    List<TopicPartition> toResume = new ArrayList<>();
    for (TopicPartition tp : paused) {
      if (!want.contains(tp)) {
        toResume.add(tp);
      }
    }
    if (!toPause.isEmpty()) {
      consumer.pause(toPause);
    }
    if (!toResume.isEmpty()) {
      consumer.resume(toResume);
    }
  }

  private void initOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> read;
    try {
      read = writer.readOffsets(partitions);
    } catch (UnavailableException e) {
      markUnavailable(e);
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, Long> sought = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    for (TopicPartition tp : partitions) {
      uninitialized.remove(tp);
      if (!assigned.contains(tp)) {
        continue;
      }
      long offset = read.getOrDefault(tp, Batch.NONE);
      seek(tp, offset);
      stored.put(tp, offset);
      sealedNext.put(tp, offset);
      sought.put(tp, offset);
    }
    LOG.info("Partitions assigned, starting at the offsets stored in PostgreSQL (-1: beginning): {}", sought);
    markAvailable();
  }

  private void seek(TopicPartition tp, long offset) {
    if (offset == Batch.NONE) {
      consumer.seekToBeginning(List.of(tp));
    } else {
      consumer.seek(tp, offset);
    }
  }

  /**
   * Drops the building and queued batches (after the one in flight has finished either way) and
   * seeks the partitions kept (all assigned ones except {@code leaving}) back to their stored
   * offsets, so their records are read again.
   */
  private void discardPending(Set<TopicPartition> leaving) {
    try {
      while (!submitted.isEmpty() && complete(true)) {
        // the batches in flight finish either way first
      }
    } catch (RuntimeException e) {
      LOG.debug("Batch in flight failed while dropping pending batches: {}", e.toString());
      settleSkipped();
    }
    batch = writer.newBatch();
    queue.clear();
    sealedNext.clear();
    for (Map.Entry<TopicPartition, Long> e : stored.entrySet()) {
      sealedNext.put(e.getKey(), e.getValue());
      if (!leaving.contains(e.getKey())) {
        seek(e.getKey(), e.getValue());
      }
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    uninitialized.addAll(partitions);
    if (backoff == null) {
      initOffsets(new ArrayList<>(partitions));
    }
    // Those whose stored offset could not be read stay paused until PostgreSQL answers. The
    // others were sought to their stored offsets: this same poll may fetch them (pausing them
    // all would leave it idle until its timeout).
    List<TopicPartition> unknown = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (uninitialized.contains(tp)) {
        unknown.add(tp);
      }
    }
    if (!unknown.isEmpty()) {
      consumer.pause(unknown);
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<TopicPartition> leaving = new HashSet<>(partitions);
    if (!queue.isEmpty() || !batch.isEmpty()) {
      if (!drain()) {
        LOG.warn(
            "Partitions {} revoked while batches were not written: dropping them; their records are read again "
                + "from the offsets stored in PostgreSQL",
            leaving);
        discardPending(leaving);
      }
    }
    forget(leaving);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Set<TopicPartition> leaving = new HashSet<>(partitions);
    LOG.warn("Partitions {} lost (the group moved on without this instance): dropping pending batches", leaving);
    discardPending(leaving);
    forget(leaving);
  }

  private void forget(Set<TopicPartition> leaving) {
    for (TopicPartition tp : leaving) {
      stored.remove(tp);
      sealedNext.remove(tp);
      uninitialized.remove(tp);
    }
    if (stored.isEmpty() && uninitialized.isEmpty() && queue.isEmpty() && backoff != null) {
      // Nothing left waiting for PostgreSQL: next assignment tries at once.
      nextAttempt = clock.instant();
    }
  }
}
