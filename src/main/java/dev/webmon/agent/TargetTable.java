package dev.webmon.agent;

import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of the partitions this agent holds, built from the compacted targets topic, and
 * their schedules. On assignment a partition is read from its beginning: records before the end
 * offset seen at assignment are the existing table (first check within {@code
 * agent.assignment-spread}, then on phase); later records are live changes (a new or changed
 * target is checked at once, unless its poll brought more than {@link #BURST} of them: then at its
 * slot, so a bulk import is spread over the interval). A tombstone deletes; a lower version than the one held is ignored;
 * a record that is not a valid target is logged, counted and skipped.
 *
 * <p>Not thread-safe: used by the consumer's poll thread only (rebalance callbacks run there too).
 */
final class TargetTable {
  private static final Logger log = LoggerFactory.getLogger(TargetTable.class);
  /** Live new or changed targets in one poll above which their first checks are spread. */
  static final int BURST = 100;

  private final Scheduler<TargetSpec> scheduler;
  private final EventCodec codec;
  private final AgentMetrics metrics;
  private final Duration assignmentSpread;
  private final Map<TopicPartition, Map<String, TargetSpec>> byPartition = new HashMap<>();
  private final Map<TopicPartition, Long> loadEnd = new HashMap<>();
  private int targetCount;
  /** True while {@link #applyAll} applies a poll with more than {@link #BURST} live changes. */
  private boolean spreadLive;
  private volatile Set<Integer> partitionNumbers = Set.of();

  TargetTable(Scheduler<TargetSpec> scheduler, EventCodec codec, AgentMetrics metrics, Duration assignmentSpread) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.assignmentSpread = Objects.requireNonNull(assignmentSpread, "assignmentSpread");
  }

  /** Partitions were assigned; each will be read from its beginning up to {@code endOffsets}. */
  void assigned(Map<TopicPartition, Long> endOffsets) {
    endOffsets.forEach(
        (tp, end) -> {
          dropPartition(tp);
          byPartition.put(tp, new HashMap<>());
          loadEnd.put(tp, end);
        });
    partitionsChanged();
  }

  private void partitionsChanged() {
    metrics.assignedPartitions(byPartition.size());
    partitionNumbers =
        byPartition.keySet().stream().map(TopicPartition::partition).collect(Collectors.toUnmodifiableSet());
  }

  /** The partition numbers held now. Any thread. */
  Set<Integer> partitionNumbers() {
    return partitionNumbers;
  }

  /** Partitions were revoked or lost: their targets are no longer checked here. */
  int removed(Collection<TopicPartition> partitions) {
    int dropped = 0;
    for (TopicPartition tp : partitions) {
      dropped += dropPartition(tp);
      loadEnd.remove(tp);
    }
    partitionsChanged();
    return dropped;
  }

  private int dropPartition(TopicPartition tp) {
    Map<String, TargetSpec> targets = byPartition.remove(tp);
    if (targets == null) {
      return 0;
    }
    for (String id : targets.keySet()) {
      scheduler.cancel(id);
    }
    targetCount -= targets.size();
    metrics.targets(targetCount);
    return targets.size();
  }

  /** The end offset read up to on assignment; records from there on are live changes. */
  long loadEnd(TopicPartition tp) {
    return loadEnd.getOrDefault(tp, 0L);
  }

  /**
   * Applies the records of one poll. A poll that brings more than {@link #BURST} live new or
   * changed targets is a bulk change (an import): their first checks go to their slots, spread
   * over their interval by phase, rather than all at once; each is logged at debug and the poll
   * once at info. Fewer are checked at once, as single live changes are.
   */
  void applyAll(Iterable<ConsumerRecord<String, byte[]>> records) {
    int live = 0;
    for (ConsumerRecord<String, byte[]> r : records) {
      TopicPartition tp = new TopicPartition(r.topic(), r.partition());
      if (r.value() != null && byPartition.containsKey(tp) && r.offset() >= loadEnd(tp)) {
        live++;
      }
    }
    spreadLive = live > BURST;
    try {
      for (ConsumerRecord<String, byte[]> r : records) {
        apply(new TopicPartition(r.topic(), r.partition()), r.offset(), r.key(), r.value());
      }
    } finally {
      spreadLive = false;
    }
    if (live > BURST) {
      log.info("{} live target change(s) in one poll: their first checks are spread over their intervals; holding {} target(s)", live, targetCount);
    }
  }

  /** Applies one record of the targets topic. Never throws for bad data. */
  void apply(TopicPartition tp, long offset, String key, byte[] value) {
    Map<String, TargetSpec> targets = byPartition.get(tp);
    if (targets == null) {
      // Not (or no longer) ours, e.g. a record fetched before a revocation.
      return;
    }
    if (key == null) {
      invalid(tp, offset, "missing_key", "record has no key");
      return;
    }
    boolean live = offset >= loadEnd(tp);
    if (value == null) {
      TargetSpec old = targets.remove(key);
      if (old != null) {
        scheduler.cancel(key);
        targetCount--;
        metrics.targets(targetCount);
        if (live) {
          log.info("target {} deleted ({}@{})", key, tp, offset);
        }
      }
      return;
    }
    TargetSpec spec;
    try {
      spec = codec.decodeTarget(value);
    } catch (DecodeException e) {
      invalid(tp, offset, e.error().name(), e.getMessage());
      return;
    }
    if (!spec.id().equals(key)) {
      invalid(tp, offset, "key_mismatch", "the key differs from the target id " + spec.id());
      return;
    }
    TargetSpec old = targets.get(key);
    if (old != null) {
      if (spec.version() < old.version()) {
        log.debug("target {}: ignored version {} older than {} ({}@{})", key, spec.version(), old.version(), tp, offset);
        return;
      }
      if (spec.equals(old)) {
        return;
      }
    } else {
      targetCount++;
      metrics.targets(targetCount);
    }
    targets.put(key, spec);
    if (live && spreadLive) {
      scheduler.scheduleAtSlot(key, spec, spec.interval());
      log.debug(
          "target {} {} (version {}, every {}): first check at its slot ({}@{})",
          key,
          old == null ? "added" : "changed",
          spec.version(),
          spec.interval(),
          tp,
          offset);
    } else if (live) {
      scheduler.scheduleNow(key, spec, spec.interval());
      log.info(
          "target {} {} (version {}, every {}): checking now ({}@{})",
          key,
          old == null ? "added" : "changed",
          spec.version(),
          spec.interval(),
          tp,
          offset);
    } else {
      scheduler.scheduleWithin(key, spec, spec.interval(), assignmentSpread);
    }
  }

  private void invalid(TopicPartition tp, long offset, String error, String message) {
    metrics.invalidTargetRecord(error);
    log.warn("skipped record {}@{} of the targets topic: {}", tp, offset, message);
  }

  int partitionCount() {
    return byPartition.size();
  }

  int targetCount() {
    return targetCount;
  }

  int targetCount(TopicPartition tp) {
    Map<String, TargetSpec> targets = byPartition.get(tp);
    return targets == null ? 0 : targets.size();
  }
}
