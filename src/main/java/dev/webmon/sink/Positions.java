package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the consumer follow the {@link PartitionOffsets}: reads the stored offsets of newly
 * assigned partitions and seeks there (the beginning when none) before anything is fetched, seeks
 * back after pending batches were dropped, and keeps paused what must not be fetched. Not
 * thread-safe (the consumer thread).
 */
final class Positions {
  private static final Logger LOG = LoggerFactory.getLogger(Positions.class);

  private final SinkConsumer consumer;
  private final BatchStore store;
  private final PartitionOffsets offsets;

  Positions(SinkConsumer consumer, BatchStore store, PartitionOffsets offsets) {
    this.consumer = consumer;
    this.store = store;
    this.offsets = offsets;
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
