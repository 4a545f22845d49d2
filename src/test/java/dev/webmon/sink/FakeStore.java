package dev.webmon.sink;

import dev.webmon.event.CheckResult;
import dev.webmon.event.IncidentEvent;
import dev.webmon.store.UnavailableException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import org.apache.kafka.common.TopicPartition;

/**
 * An in-memory {@link BatchStore} with PostgreSQL's semantics as the sink sees them: a batch and
 * its offsets are stored together or not at all, and only if every offset is where the batch
 * expects it (else {@link BatchWriter.Outcome#FENCED}). The test can take it down (writes and
 * reads throw {@link UnavailableException}), make a write fail otherwise, and hold writes at a gate.
 * Thread-safe: writes run on the sink's writer thread.
 */
final class FakeStore implements BatchStore {
  private final InstantSource clock;
  private final Map<TopicPartition, Long> offsets = new HashMap<>();
  private final List<CheckResult> results = new ArrayList<>();
  /** Target id to its JSON; a tombstone removes it. */
  private final Map<String, String> targets = new LinkedHashMap<>();
  private final List<IncidentEvent> incidents = new ArrayList<>();
  private final List<DeadLetters.Letter> deadLetters = new ArrayList<>();
  private final List<Batch> attempts = new ArrayList<>();
  private int reads;
  private int committed;
  private boolean down;
  private RuntimeException failure;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  /** Released when a write starts (before the gate). */
  final Semaphore writeStarted = new Semaphore(0);

  FakeStore(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Batch newBatch() {
    return new Batch(CopyEncoder.Format.BINARY);
  }

  @Override
  public BatchWriter.Written write(Batch batch) {
    synchronized (this) {
      attempts.add(batch);
    }
    writeStarted.release();
    awaitGate();
    synchronized (this) {
      if (down) {
        throw new UnavailableException("PostgreSQL", "connection refused (fake)", null);
      }
      if (failure != null) {
        RuntimeException e = failure;
        failure = null;
        throw e;
      }
      for (Map.Entry<TopicPartition, Batch.Range> e : batch.ranges().entrySet()) {
        Long now = offsets.get(e.getKey());
        long expected = e.getValue().expected();
        if (expected == Batch.NONE ? now != null : now == null || now != expected) {
          return BatchWriter.Written.fenced();
        }
      }
      batch.ranges().forEach((tp, range) -> offsets.put(tp, range.next()));
      results.addAll(batch.results);
      incidents.addAll(batch.incidents);
      deadLetters.addAll(batch.deadLetters);
      for (Batch.TargetChange change : batch.targetChanges.values()) {
        switch (change) {
          case Batch.Upsert u -> targets.put(u.id(), u.json());
          case Batch.Delete d -> targets.remove(d.id());
        }
      }
      committed++;
      return new BatchWriter.Written(
          BatchWriter.Outcome.COMMITTED, batch.results.size(), 0, 0, List.of(), clock.millis(), 1_000_000);
    }
  }

  @Override
  public synchronized Map<TopicPartition, Long> readOffsets(Collection<TopicPartition> partitions) {
    reads++;
    if (down) {
      throw new UnavailableException("PostgreSQL", "connection refused (fake)", null);
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      if (offsets.containsKey(tp)) {
        out.put(tp, offsets.get(tp));
      }
    }
    return out;
  }

  private void awaitGate() {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Writes wait until {@link #releaseWrites}. */
  void holdWrites() {
    gate = new CountDownLatch(1);
  }

  void releaseWrites() {
    gate.countDown();
  }

  synchronized void down(boolean isDown) {
    this.down = isDown;
  }

  /** The next write that gets past the gate throws {@code e}. */
  synchronized void failNextWrite(RuntimeException e) {
    this.failure = e;
  }

  /** Another sink instance moved the offset (it wrote the records before {@code next}). */
  synchronized void moveOffset(TopicPartition tp, long next) {
    offsets.put(tp, next);
  }

  synchronized Map<TopicPartition, Long> offsets() {
    return Map.copyOf(offsets);
  }

  synchronized List<CheckResult> results() {
    return List.copyOf(results);
  }

  /** The incident events of the committed batches, in batch order. */
  synchronized List<IncidentEvent> incidents() {
    return List.copyOf(incidents);
  }

  synchronized Map<String, String> targets() {
    return Map.copyOf(targets);
  }

  synchronized List<DeadLetters.Letter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  /** Every batch a write was attempted for, in order (again when retried). */
  synchronized List<Batch> attempts() {
    return List.copyOf(attempts);
  }

  synchronized int reads() {
    return reads;
  }

  synchronized int committed() {
    return committed;
  }
}
