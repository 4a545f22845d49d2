package dev.webmon.sink;

import dev.webmon.event.CheckResult;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.IncidentWrites;
import dev.webmon.store.StatusRows;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The work of one PostgreSQL transaction: decoded results, target changes, incident events, dead
 * letters, and for each partition the offset range it covers. Built by the consumer thread. Not
 * thread-safe.
 */
final class Batch {
  /** Offset stored in sink_offset before this batch ({@link #NONE}: no row yet) and after it. */
  record Range(long expected, long next) {}

  /** No sink_offset row exists for the partition. */
  static final long NONE = -1;

  /** A change to the targets table: the newest spec of an id, or its deletion (tombstone). */
  sealed interface TargetChange permits Upsert, Delete {
    String id();

    ConsumerRecord<byte[], byte[]> source();
  }

  record Upsert(TargetSpec spec, String json, ConsumerRecord<byte[], byte[]> source) implements TargetChange {
    @Override
    public String id() {
      return spec.id();
    }
  }

  record Delete(String id, ConsumerRecord<byte[], byte[]> source) implements TargetChange {}

  final List<CheckResult> results = new ArrayList<>();
  /** The results as COPY rows, encoded as they are added (on the consumer thread, off the writer's). */
  private final CopyEncoder rows;
  final List<ConsumerRecord<byte[], byte[]>> resultSources = new ArrayList<>();
  private long[] producedAt = new long[256];
  final Map<String, TargetChange> targetChanges = new LinkedHashMap<>();
  final List<IncidentEvent> incidents = new ArrayList<>();
  final List<ConsumerRecord<byte[], byte[]>> incidentSources = new ArrayList<>();
  final List<DeadLetters.Letter> deadLetters = new ArrayList<>();
  private final Map<TopicPartition, Long> next = new HashMap<>();
  private final Map<TopicPartition, Range> ranges = new HashMap<>();
  private int records;
  private long bytes;
  private long firstAddedMillis;
  /** Null until sealed. */
  private StatusRows status;
  private long[] hours;
  private IncidentWrites.Rows incidentRows;

  Batch(CopyEncoder.Format format) {
    rows = new CopyEncoder(format);
  }

  /** Counts a consumed record, whatever became of it, and moves its partition's next offset. */
  void consumed(ConsumerRecord<byte[], byte[]> record, long nowMillis) {
    if (records == 0) {
      firstAddedMillis = nowMillis;
    }
    records++;
    bytes += Math.max(0, record.serializedValueSize()) + Math.max(0, record.serializedKeySize());
    next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
  }

  void addResult(CheckResult result, ConsumerRecord<byte[], byte[]> source) {
    if (results.size() == producedAt.length) {
      producedAt = Arrays.copyOf(producedAt, producedAt.length * 2);
    }
    producedAt[results.size()] = source.timestamp();
    results.add(result);
    resultSources.add(source);
    rows.add(result);
  }

  /** The last change per target id wins, as in the compacted topic. */
  void addTargetChange(TargetChange change) {
    targetChanges.remove(change.id());
    targetChanges.put(change.id(), change);
  }

  void addIncident(IncidentEvent event, ConsumerRecord<byte[], byte[]> source) {
    incidents.add(event);
    incidentSources.add(source);
  }

  void addDeadLetter(DeadLetters.Letter letter) {
    deadLetters.add(letter);
  }

  /** Kafka timestamp (producer create time) of result {@code i}. */
  long producedAt(int i) {
    return producedAt[i];
  }

  int records() {
    return records;
  }

  long bytes() {
    return bytes;
  }

  long firstAddedMillis() {
    return firstAddedMillis;
  }

  boolean isEmpty() {
    return records == 0;
  }

  /**
   * Fixes the offset ranges: {@code stored} gives for each partition the offset sink_offset holds
   * now ({@link #NONE} if no row), which the transaction checks before moving it.
   */
  void seal(Map<TopicPartition, Long> stored) {
    if (status != null) {
      throw new IllegalStateException("batch already sealed");
    }
    rows.finish();
    status = StatusRows.of(results, Set.of());
    hours =
        results.stream()
            .mapToLong(r -> Math.floorDiv(r.startedAt().getEpochSecond(), 3600) * 3600)
            .distinct()
            .sorted()
            .toArray();
    incidentRows = IncidentWrites.rows(incidents);
    next.forEach((tp, n) -> ranges.put(tp, new Range(stored.getOrDefault(tp, NONE), n)));
  }

  /** The target_status rows of the results ({@link #seal} first). */
  StatusRows status() {
    return status;
  }

  /** The distinct UTC hours (epoch seconds of their start) the results fall in, ascending ({@link #seal} first). */
  long[] hours() {
    return hours;
  }

  /** The incident and incident_event rows of the incident events ({@link #seal} first). */
  IncidentWrites.Rows incidentRows() {
    return incidentRows;
  }

  /** The results as one complete COPY stream ({@link #seal} first). */
  CopyEncoder rows() {
    return rows;
  }

  Map<TopicPartition, Range> ranges() {
    return Collections.unmodifiableMap(ranges);
  }

  Set<TopicPartition> partitions() {
    return Collections.unmodifiableSet(next.keySet());
  }
}
