package dev.webmon.agent;

import dev.webmon.config.KafkaConfig;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every maintenance window from the compacted topic {@code <prefix>.maintenance} into the
 * {@link MaintenanceMarker}: all its partitions assigned (no group: every agent reads all of
 * them), from the beginning, then following changes. Per id the highest version wins, a tombstone
 * deletes, and a record that does not decode (or whose key is not its id) is logged without its
 * value, counted and skipped. {@link #awaitLoaded} tells when the records that existed at the
 * start have been read.
 *
 * <p>Not thread-safe: one thread calls {@link #runOnce(Duration)}; {@link #wakeup()} and {@link
 * #awaitLoaded} may be called from any thread.
 */
final class MaintenanceFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MaintenanceFeed.class);

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final EventCodec codec;
  private final MaintenanceMarker marker;
  private final AgentMetrics metrics;
  private final Map<UUID, MaintenanceWindow> windows = new HashMap<>();
  private final CountDownLatch loaded = new CountDownLatch(1);
  private Map<TopicPartition, Long> loadEnd = Map.of();
  private boolean assigned;
  private boolean warnedMissing;

  MaintenanceFeed(Consumer<String, byte[]> consumer, String topic, EventCodec codec, MaintenanceMarker marker, AgentMetrics metrics) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.marker = Objects.requireNonNull(marker, "marker");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Consumer settings: no group, nothing committed, committed records only. */
  static Map<String, Object> consumerProperties(KafkaConfig kafka, AgentConfig agent) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "webmon-agent-" + agent.agentId() + "-maintenance");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /**
   * Assigns the topic's partitions once they are known, then polls once and applies what arrived.
   *
   * @return false if the topic does not exist (yet): the caller waits before the next try
   */
  boolean runOnce(Duration pollTimeout) {
    if (!assigned && !assign()) {
      return false;
    }
    apply(consumer.poll(pollTimeout));
    if (loaded.getCount() > 0 && caughtUp()) {
      loaded.countDown();
      log.info("read {}: {} maintenance window(s)", topic, windows.size());
    }
    return true;
  }

  private boolean assign() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
    if (infos == null || infos.isEmpty()) {
      if (!warnedMissing) {
        warnedMissing = true;
        log.warn("topic {} does not exist (run 'webmon init'); no result is flagged maintenance until it does", topic);
      }
      return false;
    }
    List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    loadEnd = Map.copyOf(consumer.endOffsets(partitions));
    assigned = true;
    return true;
  }

  private boolean caughtUp() {
    for (Map.Entry<TopicPartition, Long> e : loadEnd.entrySet()) {
      if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Applies the records of one poll; tells the marker once if anything changed. Never throws for bad data. */
  void apply(ConsumerRecords<String, byte[]> records) {
    boolean changed = false;
    for (ConsumerRecord<String, byte[]> r : records) {
      changed |= apply(r);
    }
    if (changed) {
      marker.update(windows.values());
    }
  }

  private boolean apply(ConsumerRecord<String, byte[]> r) {
    UUID id;
    try {
      id = r.key() == null ? null : UUID.fromString(r.key());
    } catch (IllegalArgumentException e) {
      id = null;
    }
    if (id == null || !id.toString().equals(r.key())) {
      invalid(r, "key_invalid", "the key is not a window id");
      return false;
    }
    if (r.value() == null) {
      MaintenanceWindow gone = windows.remove(id);
      if (gone != null) {
        log.info("maintenance window {} ({}) deleted", id, gone.title());
      }
      return gone != null;
    }
    MaintenanceWindow w;
    try {
      w = codec.decodeMaintenance(r.value());
    } catch (DecodeException e) {
      invalid(r, e.error().name(), e.getMessage());
      return false;
    }
    if (!w.id().equals(id)) {
      invalid(r, "key_mismatch", "the key differs from the window id " + w.id());
      return false;
    }
    MaintenanceWindow old = windows.get(id);
    if (old != null && w.version() <= old.version()) {
      log.debug("maintenance window {}: ignored version {}, not newer than {}", id, w.version(), old.version());
      return false;
    }
    windows.put(id, w);
    log.info("maintenance window {} ({}) version {}: {}", id, w.title(), w.version(), w.schedule());
    return true;
  }

  private void invalid(ConsumerRecord<String, byte[]> r, String error, String message) {
    metrics.invalidMaintenanceRecord(error);
    // Never the value: a record that does not decode may hold anything.
    log.warn("skipped an invalid maintenance record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), message);
  }

  /** Waits until the records that existed when the topic was assigned have been read; false on timeout. */
  boolean awaitLoaded(Duration timeout) throws InterruptedException {
    return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Makes a blocked {@link #runOnce(Duration)} throw {@code WakeupException}. Any thread. */
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
  }
}
