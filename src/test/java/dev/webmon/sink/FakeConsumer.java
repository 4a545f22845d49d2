package dev.webmon.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * An in-memory {@link SinkConsumer}: a log per partition, positions, pauses, and rebalances the
 * test schedules for the next poll (run inside it, as Kafka does). As strict as Kafka where the
 * sink depends on it: seeking or pausing an unassigned partition fails, and so does fetching a
 * partition the sink never sought (the sink must seek before anything is fetched). Records can be
 * deleted from a log's start (retention); fetching below it throws {@link
 * OffsetOutOfRangeException}, as Kafka does with {@code auto.offset.reset=none}.
 */
final class FakeConsumer implements SinkConsumer {
  private final InstantSource clock;
  private final Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> logs = new HashMap<>();
  private final Map<TopicPartition, Long> positions = new HashMap<>();
  private final Map<TopicPartition, Long> logStart = new HashMap<>();
  private final Set<TopicPartition> assignment = new LinkedHashSet<>();
  private final Set<TopicPartition> paused = new LinkedHashSet<>();
  private final Deque<Runnable> atNextPoll = new ArrayDeque<>();
  private Rebalance rebalance;
  private List<String> subscribed = List.of();
  /** Poll timeouts the sink asked for, in order. */
  final List<Duration> pollTimeouts = new ArrayList<>();
  /** What the sink committed to Kafka (lag monitoring). */
  final Map<TopicPartition, Long> committed = new HashMap<>();
  int polls;

  FakeConsumer(InstantSource clock) {
    this.clock = clock;
  }

  /** Appends a record (producer timestamp: now) and returns its offset. */
  long append(TopicPartition tp, String key, byte[] value) {
    List<ConsumerRecord<byte[], byte[]>> log = logs.computeIfAbsent(tp, k -> new ArrayList<>());
    byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    log.add(
        new ConsumerRecord<>(
            tp.topic(), tp.partition(), log.size(), clock.millis(), TimestampType.CREATE_TIME,
            k == null ? -1 : k.length, value == null ? -1 : value.length, k, value, new RecordHeaders(), Optional.empty()));
    return log.size() - 1;
  }

  /** Retention deleted the partition's records before {@code offset}. */
  void deleteBefore(TopicPartition tp, long offset) {
    logStart.put(tp, offset);
  }

  /** At the next poll, before fetching: runs {@code action}. */
  void atNextPoll(Runnable action) {
    atNextPoll.add(action);
  }

  void assignAtNextPoll(TopicPartition... tps) {
    atNextPoll(
        () -> {
          List<TopicPartition> list = List.of(tps);
          assignment.addAll(list);
          rebalance.assigned(list);
        });
  }

  void revokeAtNextPoll(TopicPartition... tps) {
    atNextPoll(
        () -> {
          rebalance.revoked(List.of(tps));
          unassign(tps);
        });
  }

  void loseAtNextPoll(TopicPartition... tps) {
    atNextPoll(
        () -> {
          rebalance.lost(List.of(tps));
          unassign(tps);
        });
  }

  private void unassign(TopicPartition... tps) {
    for (TopicPartition tp : tps) {
      assignment.remove(tp);
      paused.remove(tp);
      positions.remove(tp);
    }
  }

  List<String> subscribed() {
    return subscribed;
  }

  /** The partition's position (next offset fetched), if the sink sought it. */
  Optional<Long> position(TopicPartition tp) {
    return Optional.ofNullable(positions.get(tp));
  }

  @Override
  public void subscribe(Collection<String> topics, Rebalance rebalance) {
    this.subscribed = List.copyOf(topics);
    this.rebalance = rebalance;
  }

  @Override
  public Iterable<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
    polls++;
    pollTimeouts.add(timeout);
    while (!atNextPoll.isEmpty()) {
      atNextPoll.poll().run();
    }
    Map<TopicPartition, Long> outOfRange = new HashMap<>();
    for (TopicPartition tp : assignment) {
      Long position = positions.get(tp);
      if (!paused.contains(tp) && position != null && position < logStart.getOrDefault(tp, 0L)) {
        outOfRange.put(tp, position);
      }
    }
    if (!outOfRange.isEmpty()) {
      throw new OffsetOutOfRangeException("fetch positions out of range: " + outOfRange, outOfRange);
    }
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (TopicPartition tp : assignment) {
      if (paused.contains(tp)) {
        continue;
      }
      Long position = positions.get(tp);
      if (position == null) {
        throw new IllegalStateException("fetching " + tp + " without a position: the sink did not seek it");
      }
      List<ConsumerRecord<byte[], byte[]>> log = logs.getOrDefault(tp, List.of());
      for (long o = position; o < log.size(); o++) {
        out.add(log.get((int) o));
      }
      positions.put(tp, (long) log.size());
    }
    return out;
  }

  @Override
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assignment);
  }

  @Override
  public Set<TopicPartition> paused() {
    return Set.copyOf(paused);
  }

  @Override
  public void pause(Collection<TopicPartition> partitions) {
    partitions.forEach(this::requireAssigned);
    paused.addAll(partitions);
  }

  @Override
  public void resume(Collection<TopicPartition> partitions) {
    partitions.forEach(this::requireAssigned);
    paused.removeAll(partitions);
  }

  @Override
  public void seek(TopicPartition partition, long offset) {
    requireAssigned(partition);
    positions.put(partition, offset);
  }

  @Override
  public void seekToBeginning(TopicPartition partition) {
    requireAssigned(partition);
    positions.put(partition, logStart.getOrDefault(partition, 0L));
  }

  @Override
  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      out.put(tp, logStart.getOrDefault(tp, 0L));
    }
    return out;
  }

  @Override
  public void commitForMonitoring(Map<TopicPartition, Long> nextOffsets) {
    committed.putAll(nextOffsets);
  }

  private void requireAssigned(TopicPartition tp) {
    if (!assignment.contains(tp)) {
      throw new IllegalStateException("No current assignment for partition " + tp);
    }
  }
}
