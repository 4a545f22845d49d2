package dev.webmon.notifier;

import dev.webmon.Text;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.store.Notifications;
import dev.webmon.store.NotifyChannels;
import dev.webmon.store.Offsets;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's consumer of {@code <prefix>.incidents}: per poll, decodes the transitions (a
 * record that does not decode, or whose key is not its target id, goes to the dead-letter topic,
 * with the sink's headers and reasons, before its offset moves), routes each ({@link Routing}), and in ONE PostgreSQL transaction enqueues a
 * {@code notification} row per (transition × channel) — {@code ON CONFLICT (dedup_key) DO
 * NOTHING} — and moves the partitions' offsets in {@code sink_offset} (compare-and-set, {@link
 * Offsets}). So enqueueing is exactly once: a crash before the commit re-reads the records; after
 * it, they are never read again. PostgreSQL's offsets are the truth: on assignment each partition
 * is sought to its stored offset (the beginning when none). While PostgreSQL fails, the
 * partitions are sought back and paused, and the poll goes on (the group membership stays).
 *
 * <p>Rows are queued at the injected clock's instant; OPENED rows are due {@code group-wait}
 * after it, the others at once ({@link GroupWindow}). Not thread-safe: the consumer's thread only.
 */
final class IncidentConsumer implements ConsumerRebalanceListener {
  private static final Logger LOG = LoggerFactory.getLogger(IncidentConsumer.class);
  static final Duration POLL = Duration.ofMillis(200);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** The dead letter's reason for an event under another key than its target id (the sink's name for it). */
  static final String WRONG_KEY = "WRONG_KEY";

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> dlq;
  private final DataSource ds;
  private final String group;
  private final String topic;
  private final String dlqTopic;
  private final GroupWindow window;
  private final Clock clock;
  private final NotifierMetrics metrics;
  private final Runnable enqueued;
  private final TransitionHook hook;
  private final EventCodec codec = new EventCodec();
  /** Per assigned partition, the offset stored in PostgreSQL ({@link Offsets#NO_ROW} when none); absent while unknown. */
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private final Set<TopicPartition> assigned = new HashSet<>();
  private Instant retryAt = Instant.MIN;
  private Duration backoff = Duration.ofMillis(250);

  IncidentConsumer(
      Consumer<byte[], byte[]> consumer,
      Producer<byte[], byte[]> dlq,
      DataSource ds,
      String group,
      String topic,
      String dlqTopic,
      NotifierConfig config,
      Clock clock,
      NotifierMetrics metrics,
      Runnable enqueued,
      TransitionHook hook) {
    this.consumer = consumer;
    this.dlq = dlq;
    this.ds = ds;
    this.group = group;
    this.topic = topic;
    this.dlqTopic = dlqTopic;
    this.window = new GroupWindow(config.groupWait());
    this.clock = clock;
    this.metrics = metrics;
    this.enqueued = enqueued;
    this.hook = hook;
  }

  /** Told of every transition and the channels it was routed to, in the batch's transaction (the reminder schedule). */
  @FunctionalInterface
  interface TransitionHook {
    void onTransition(IncidentEvent event, List<String> routedChannelIds, Connection c) throws SQLException;
  }

  void subscribe() {
    consumer.subscribe(List.of(topic), this);
  }

  /** One poll and, if it brought records, their batch. */
  void runOnce() {
    if (!unknown().isEmpty() && !clock.instant().isBefore(retryAt)) {
      readStored(unknown());
    }
    ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
    if (records.isEmpty()) {
      return;
    }
    try {
      write(records);
      backoff = Duration.ofMillis(250);
      metrics.postgres(true);
    } catch (SQLException | RuntimeException e) {
      metrics.postgres(false);
      LOG.warn("Incident batch not stored ({}); reading it again from the stored offsets in {} ms", e.toString(),
          backoff.toMillis());
      stored.keySet().removeAll(records.partitions());
      for (TopicPartition tp : records.partitions()) {
        consumer.pause(List.of(tp));
      }
      retryAt = clock.instant().plus(backoff);
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
    }
  }

  private List<TopicPartition> unknown() {
    return assigned.stream().filter(tp -> !stored.containsKey(tp)).toList();
  }

  private void write(ConsumerRecords<byte[], byte[]> records) throws SQLException {
    List<IncidentEvent> events = new ArrayList<>();
    List<Offsets.Move> moves = new ArrayList<>();
    for (TopicPartition tp : records.partitions()) {
      List<ConsumerRecord<byte[], byte[]>> part = records.records(tp);
      for (ConsumerRecord<byte[], byte[]> r : part) {
        IncidentEvent event;
        try {
          event = codec.decodeIncident(r.value());
        } catch (DecodeException e) {
          deadLetter(r, e.error().name(), e.getMessage());
          continue;
        }
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        if (event.targetId().equals(key)) {
          events.add(event);
        } else {
          // As the sink does: it does not store such an event, so nothing may be told of it.
          deadLetter(r, WRONG_KEY, "key '" + Text.clip(key, 64) + "' is not the incident's targetId '" + event.targetId() + "'");
        }
      }
      long expected = stored.getOrDefault(tp, Offsets.NO_ROW);
      moves.add(new Offsets.Move(tp, expected, part.get(part.size() - 1).offset() + 1));
    }
    metrics.consumed(events.size());
    Instant now = GroupWindow.now(clock);
    int inserted;
    boolean moved;
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        inserted = Notifications.insert(c, rows(c, events, now));
        moved = Offsets.move(c, group, moves);
        if (moved) {
          c.commit();
        } else {
          c.rollback();
        }
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
    if (!moved) {
      LOG.warn("sink_offset of {} was moved by another notifier instance: re-reading the stored offsets",
          records.partitions());
      records.partitions().forEach(stored::remove);
      readStored(new ArrayList<>(records.partitions()));
      return;
    }
    for (Offsets.Move m : moves) {
      stored.put(m.partition(), m.next());
    }
    if (inserted > 0) {
      enqueued.run();
    }
  }

  /** The outbox rows of {@code events}: one per routed channel. */
  private List<Notifications.New> rows(Connection c, List<IncidentEvent> events, Instant now) throws SQLException {
    if (events.isEmpty()) {
      return List.of();
    }
    List<NotifyChannels.Row> channels = NotifyChannels.all(c);
    Set<String> targets = new HashSet<>();
    Set<UUID> incidents = new HashSet<>();
    events.forEach(e -> {
      targets.add(e.targetId());
      incidents.add(e.incidentId());
    });
    Map<String, List<String>> tags = Notifications.targetTags(c, targets);
    Map<UUID, Set<String>> told = Notifications.toldChannels(c, incidents);
    Map<String, Notifications.New> rows = new LinkedHashMap<>();
    for (IncidentEvent e : events) {
      Set<String> toldOf = told.computeIfAbsent(e.incidentId(), k -> new HashSet<>());
      List<String> to = Routing.channels(e, channels, tags.getOrDefault(e.targetId(), List.of()), toldOf);
      String payload = new String(codec.encode(e), StandardCharsets.UTF_8);
      Instant due = window.dueAt(e.kind().name(), now);
      for (String channel : to) {
        String key = e.incidentId() + ":" + e.seq() + ":" + channel;
        rows.putIfAbsent(
            key,
            new Notifications.New(
                key, channel, Optional.of(e.incidentId()), e.seq(), e.kind().name(), e.targetId(),
                e.severity().wireName(), payload, due, now));
        toldOf.add(channel); // a later transition of the same batch follows
      }
      hook.onTransition(e, to, c);
    }
    return new ArrayList<>(rows.values());
  }

  /** Sends a refused record to the dead-letter topic and waits for the acknowledgement. */
  private void deadLetter(ConsumerRecord<byte[], byte[]> r, String reason, String detail) {
    metrics.deadLetter();
    LOG.warn("Dead letter {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
    RecordHeaders h = new RecordHeaders();
    h.add("webmon.error", utf8(reason));
    h.add("webmon.error.detail", utf8(detail.length() > 1000 ? detail.substring(0, 1000) + "..." : detail));
    h.add("webmon.source.topic", utf8(r.topic()));
    h.add("webmon.source.partition", utf8(Integer.toString(r.partition())));
    h.add("webmon.source.offset", utf8(Long.toString(r.offset())));
    h.add("webmon.source.timestamp", utf8(Long.toString(r.timestamp())));
    byte[] value = r.value();
    if (value != null && value.length > 512 * 1024) {
      value = Arrays.copyOf(value, 512 * 1024);
      h.add("webmon.truncated", utf8(Integer.toString(r.value().length)));
    }
    try {
      dlq.send(new ProducerRecord<>(dlqTopic, null, null, r.key(), value, h)).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the dead-letter topic " + dlqTopic + " did not acknowledge", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a dead letter", e);
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void readStored(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> offsets;
    try (Connection c = ds.getConnection()) {
      offsets = Offsets.read(c, group, partitions);
    } catch (SQLException | RuntimeException e) {
      metrics.postgres(false);
      LOG.warn("Stored offsets of {} unreadable ({}); partitions paused, retrying", partitions, e.toString());
      consumer.pause(partitions);
      retryAt = clock.instant().plus(backoff);
      backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      return;
    }
    metrics.postgres(true);
    for (TopicPartition tp : partitions) {
      Long next = offsets.get(tp);
      if (next == null) {
        consumer.seekToBeginning(List.of(tp));
        stored.put(tp, Offsets.NO_ROW);
      } else {
        consumer.seek(tp, next);
        stored.put(tp, next);
      }
    }
    consumer.resume(partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    LOG.info("Partitions assigned: {}", partitions);
    assigned.addAll(partitions);
    readStored(new ArrayList<>(partitions));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    // Every batch is stored within its poll: nothing is pending here.
    assigned.removeAll(partitions);
    partitions.forEach(stored::remove);
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    onPartitionsRevoked(partitions);
  }
}
