package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the consumer follow the {@link PartitionOffsets}: reads the stored offsets of newly
 * assigned partitions and seeks there (the beginning when none) before anything is fetched, seeks
 * back after pending batches were dropped, keeps paused what must not be fetched, and moves
 * positions that retention left behind to the log start, counting what was lost. Not
 * thread-safe (the consumer thread).
 */
final class Positions {
  private static final Logger LOG = LoggerFactory.getLogger(Positions.class);

  private final SinkConsumer consumer;
  private final BatchStore store;
  private final PartitionOffsets offsets;
  private final SinkMetrics metrics;

  Positions(SinkConsumer consumer, BatchStore store, PartitionOffsets offsets, SinkMetrics metrics) {
    this.consumer = consumer;
    this.store = store;
    this.offsets = offsets;
    this.metrics = metrics;
  }

  /**
   * Reads the stored offsets of these unknown partitions and seeks the assigned ones there; the
   * others are dropped.
   *
   * @throws UnavailableException if the store cannot answer (they stay unknown)
   */
  void readStored(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> read = store.readOffsets(partitions);
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, Long> sought = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
    for (TopicPartition tp : partitions) {
      if (!assigned.contains(tp)) {
        offsets.dropUnknown(tp);
        continue;
      }
      long offset = read.getOrDefault(tp, Batch.NONE);
      seek(tp, offset);
      offsets.known(tp, offset);
      sought.put(tp, offset);
    }
    LOG.info("Partitions assigned, starting at the offsets stored in PostgreSQL (-1: beginning): {}", sought);
  }

  /** Pending batches were dropped: every known partition except {@code leaving} reads again from its stored offset. */
  void seekBack(Set<TopicPartition> leaving) {
    offsets.rewind().forEach((tp, offset) -> {
      if (!leaving.contains(tp)) {
        seek(tp, offset);
      }
    });
  }

  /**
   * These partitions' fetch positions are outside their logs. Below the log start, retention
   * deleted records the sink never read: they are counted as lost ({@code
   * webmon.sink.records.lost.to.retention}), logged, and the partition goes on at the log start.
   * Beyond the log end (the topic was recreated or truncated) it reads from the beginning. If the
   * log start cannot be read now, the positions stay and the next poll reports them again.
   */
  void outOfRange(Map<TopicPartition, Long> fetchOffsets) {
    Set<TopicPartition> assigned = consumer.assignment();
    List<TopicPartition> tps = new ArrayList<>();
    for (TopicPartition tp : fetchOffsets.keySet()) {
      if (assigned.contains(tp)) {
        tps.add(tp);
      }
    }
    if (tps.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> start;
    try {
      start = consumer.beginningOffsets(tps);
    } catch (KafkaException e) {
      LOG.warn("Fetch positions {} are out of range and the log start offsets cannot be read ({}); retrying", fetchOffsets, e.toString());
      return;
    }
    for (TopicPartition tp : tps) {
      long fetch = fetchOffsets.get(tp);
      Long first = start.get(tp);
      if (first == null) {
        continue;
      }
      if (fetch < first) {
        long lost = first - fetch;
        metrics.lostToRetention(tp.topic(), lost);
        LOG.warn(
            "{} record(s) of {} (offsets {} to {}) were deleted by the topic's retention before the sink read them; "
                + "they are lost. Going on at offset {}",
            lost,
            tp,
            fetch,
            first - 1,
            first);
        consumer.seek(tp, first);
      } else {
        LOG.warn("Offset {} of {} is beyond the end of its log (topic recreated or truncated?): reading it from the beginning", fetch, tp);
        consumer.seekToBeginning(tp);
      }
    }
  }

  private void seek(TopicPartition tp, long offset) {
    if (offset == Batch.NONE) {
      consumer.seekToBeginning(tp);
    } else {
      consumer.seek(tp, offset);
    }
  }

  /** Pauses those of {@code partitions} whose offset is unknown (at once, inside the assignment callback). */
  void pauseUnknown(Collection<TopicPartition> partitions) {
    List<TopicPartition> unknown = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      if (offsets.isUnknown(tp)) {
        unknown.add(tp);
      }
    }
    if (!unknown.isEmpty()) {
      consumer.pause(unknown);
    }
  }

  /** Pauses every assigned partition if {@code all}, else only the unknown ones; resumes the rest. */
  void applyPauses(boolean all) {
    Set<TopicPartition> want = offsets.toPause(consumer.assignment(), all);
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
}
