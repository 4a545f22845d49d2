package dev.webmon.sink;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's offset state per assigned partition (as Kafka's {@code SubscriptionState} is the
 * consumer's): either <em>unknown</em> (assigned, its offset in {@code sink_offset} not read yet:
 * kept paused), or known, with the offset {@code sink_offset} holds ({@link Batch#NONE}: no row)
 * and the offset the next sealed batch starts from (the stored one when no batch is pending).
 * Not thread-safe (the consumer thread).
 */
final class PartitionOffsets {
  /** For each known partition: what sink_offset holds. */
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  /** For each partition: the next offset after the last sealed batch. */
  private final Map<TopicPartition, Long> sealedNext = new HashMap<>();
  private final Set<TopicPartition> unknown = new HashSet<>();

  /** Newly assigned partitions: unknown until {@link #known}. */
  void assigned(Collection<TopicPartition> partitions) {
    unknown.addAll(partitions);
  }

  boolean anyUnknown() {
    return !unknown.isEmpty();
  }

  boolean isUnknown(TopicPartition tp) {
    return unknown.contains(tp);
  }

  /** A copy of the unknown partitions. */
  List<TopicPartition> unknown() {
    return new ArrayList<>(unknown);
  }

  /** The offset sink_offset holds for {@code tp} was read: batches start there. */
  void known(TopicPartition tp, long storedOffset) {
    unknown.remove(tp);
    stored.put(tp, storedOffset);
    sealedNext.put(tp, storedOffset);
  }

  /** {@code tp} was unknown and is no longer assigned. */
  void dropUnknown(TopicPartition tp) {
    unknown.remove(tp);
  }

  /** What a batch sealed now is built on (a read-only view). */
  Map<TopicPartition, Long> sealedNext() {
    return Collections.unmodifiableMap(sealedNext);
  }

  /** A batch was sealed: the next one starts after it. */
  void sealed(Batch b) {
    b.ranges().forEach((tp, range) -> sealedNext.put(tp, range.next()));
  }

  /** A batch was committed: sink_offset holds its next offsets (of the partitions still known). */
  void committed(Batch b) {
    b.ranges().forEach((tp, range) -> stored.computeIfPresent(tp, (k, v) -> range.next()));
  }

  /**
   * The pending batches were dropped: the next batch starts at the stored offsets again. Returns
   * the stored offsets (a read-only view), for the consumer to seek back to.
   */
  Map<TopicPartition, Long> rewind() {
    sealedNext.clear();
    sealedNext.putAll(stored);
    return Collections.unmodifiableMap(stored);
  }

  /** A batch was fenced: every known partition becomes unknown, to be read again. */
  void forgetStored() {
    unknown.addAll(stored.keySet());
    stored.clear();
    sealedNext.clear();
  }

  /** Partitions no longer assigned. */
  void remove(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      stored.remove(tp);
      sealedNext.remove(tp);
      unknown.remove(tp);
    }
  }

  /** No partition known or unknown. */
  boolean isEmpty() {
    return stored.isEmpty() && unknown.isEmpty();
  }

  /** The assigned partitions to keep paused: all of them if {@code all}, else the unknown ones. */
  Set<TopicPartition> toPause(Set<TopicPartition> assigned, boolean all) {
    if (all) {
      return new HashSet<>(assigned);
    }
    Set<TopicPartition> want = new HashSet<>();
    for (TopicPartition tp : unknown) {
      if (assigned.contains(tp)) {
        want.add(tp);
      }
    }
    return want;
  }
}
