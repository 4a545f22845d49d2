package dev.webmon.web;

import dev.webmon.config.KafkaConfig;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.TargetSpec;
import dev.webmon.ops.Check;
import dev.webmon.store.UnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TargetPublisher} on a Kafka producer with {@code acks=all} and idempotence. Every wait is
 * bounded by the publish timeout (metadata, send and acknowledgement), so an unreachable cluster
 * turns into a 503 within that time. Thread-safe (KafkaProducer is).
 */
public final class KafkaTargetPublisher implements TargetPublisher {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTargetPublisher.class);
  /** The producer refreshes its metadata this often, idle or not: {@link #check()} watches its age. */
  private static final Duration METADATA_MAX_AGE = Duration.ofSeconds(30);

  /** Records sent between two flushes in {@link #publishAll}. */
  private static final int FLUSH_EVERY = 5_000;

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final Duration timeout;
  private final EventCodec codec = new EventCodec();

  private KafkaTargetPublisher(KafkaProducer<String, byte[]> producer, String topic, Duration timeout) {
    this.producer = producer;
    this.topic = topic;
    this.timeout = timeout;
  }

  /**
   * A publisher to {@code topic}.
   *
   * @param timeout the longest any publish waits (metadata, buffer, acknowledgement)
   */
  public static KafkaTargetPublisher create(KafkaConfig kafka, String topic, Duration timeout) {
    Map<String, Object> p = kafka.producerProperties("webmon-web");
    int ms = Math.toIntExact(timeout.toMillis());
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms);
    p.put(ProducerConfig.METADATA_MAX_AGE_CONFIG, Math.toIntExact(METADATA_MAX_AGE.toMillis()));
    return new KafkaTargetPublisher(
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), topic, timeout);
  }

  @Override
  public void publish(TargetSpec spec) {
    send(new ProducerRecord<>(topic, spec.id(), codec.encode(spec)), "target " + spec.id() + " v" + spec.version());
  }

  /**
   * Sends the records without waiting for each (the producer batches them), flushes, then reads
   * the acknowledgements. A flush every {@link #FLUSH_EVERY} records keeps each record's wait
   * (bounded by the publish timeout from its send) short however long the list. Stops sending at
   * the first failure: with the cluster gone every further record would only wait out its own
   * timeout.
   */
  @Override
  public BitSet publishAll(List<TargetSpec> specs) {
    List<Future<RecordMetadata>> acks = new ArrayList<>(specs.size());
    AtomicReference<Exception> failure = new AtomicReference<>();
    for (int i = 0; i < specs.size() && failure.get() == null; i++) {
      TargetSpec spec = specs.get(i);
      if (i > 0 && i % FLUSH_EVERY == 0) {
        flush(failure);
      }
      try {
        acks.add(
            producer.send(
                new ProducerRecord<>(topic, spec.id(), codec.encode(spec)),
                (m, e) -> {
                  if (e != null) {
                    failure.compareAndSet(null, e);
                  }
                }));
      } catch (KafkaException e) {
        failure.compareAndSet(null, e);
      }
    }
    flush(failure);
    BitSet acknowledged = new BitSet(specs.size());
    for (int i = 0; i < acks.size(); i++) {
      Future<RecordMetadata> ack = acks.get(i);
      if (ack.isDone() && !ack.isCancelled() && ack.state() == Future.State.SUCCESS) {
        acknowledged.set(i);
      }
    }
    if (failure.get() != null) {
      LOG.warn(
          "Kafka acknowledged {} of {} target(s) within {} ms: {}",
          acknowledged.cardinality(),
          specs.size(),
          timeout.toMillis(),
          failure.get().toString());
    } else {
      LOG.debug("published {} target(s) to {}", specs.size(), topic);
    }
    return acknowledged;
  }

  private void flush(AtomicReference<Exception> failure) {
    try {
      producer.flush();
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
    }
  }

  /**
   * A publisher of incident commands to {@code topic} on this publisher's producer (same bounds
   * on every wait); it lives as long as this publisher.
   */
  public IncidentCommandPublisher incidentCommands(String topic) {
    return command ->
        send(
            new ProducerRecord<>(topic, command.targetId(), codec.encode(command)),
            "acknowledgement of incident " + command.incidentId() + " (target " + command.targetId() + ")");
  }

  @Override
  public void delete(String id) {
    send(new ProducerRecord<>(topic, id, null), "deletion of target " + id);
  }

  /**
   * A {@link PolicyPublisher} to {@code policyTopic} on this publisher's producer (same bounds;
   * closed with it).
   */
  public PolicyPublisher policies(String policyTopic) {
    ChangePublisher<AlertPolicySpec> to =
        compacted(policyTopic, AlertPolicySpec::name, codec::encode, s -> "alert policy " + s.name() + " v" + s.version(), "alert policy");
    return new PolicyPublisher() {
      @Override
      public void publish(AlertPolicySpec spec) {
        to.publish(spec);
      }

      @Override
      public void delete(String name) {
        to.delete(name);
      }
    };
  }

  /**
   * A publisher of maintenance windows to {@code maintenanceTopic} (key = id) on this publisher's
   * producer (same bounds; closed with it).
   */
  public ChangePublisher<MaintenanceWindow> maintenance(String maintenanceTopic) {
    return compacted(
        maintenanceTopic, w -> w.id().toString(), codec::encode, w -> "maintenance window " + w.id() + " v" + w.version(),
        "maintenance window");
  }

  /** A publisher of values to a compacted topic: {@code key} of each, its JSON, or a tombstone. */
  private <T> ChangePublisher<T> compacted(
      String to, Function<T, String> key, Function<T, byte[]> encode, Function<T, String> describe, String kind) {
    return new ChangePublisher<>() {
      @Override
      public void publish(T value) {
        send(new ProducerRecord<>(to, key.apply(value), encode.apply(value)), describe.apply(value));
      }

      @Override
      public void delete(String k) {
        send(new ProducerRecord<>(to, k, null), "deletion of " + kind + " " + k);
      }
    };
  }

  private void send(ProducerRecord<String, byte[]> record, String what) {
    try {
      Future<RecordMetadata> ack = producer.send(record);
      // The producer fails the record itself after delivery.timeout; the margin only guards a bug.
      RecordMetadata m = ack.get(timeout.toMillis() + 2_000, TimeUnit.MILLISECONDS);
      LOG.debug("published {} to {}-{}@{}", what, m.topic(), m.partition(), m.offset());
    } catch (ExecutionException | KafkaException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      LOG.warn("Kafka did not acknowledge the {} within {} ms: {}", what, timeout.toMillis(), cause.toString());
      throw new UnavailableException(
          "Kafka",
          "Kafka is unavailable (no acknowledgement within " + timeout.toSeconds()
              + " s): the change was not saved. Try again when the cluster is reachable.",
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("Kafka", "Interrupted while publishing the change: it was not saved.", e);
    }
  }

  /**
   * Whether a publish can work now: the topic's partitions are known and the producer's metadata
   * was refreshed lately (it is every 30 s; an older one means no broker answered). Blocks up to
   * the publish timeout when the topic's metadata is not known yet, so call it through a {@link
   * dev.webmon.ops.CachedCheck}.
   */
  public Check check() {
    List<PartitionInfo> partitions;
    try {
      partitions = producer.partitionsFor(topic);
    } catch (KafkaException e) {
      return Check.failed("kafka", "no metadata for " + topic + ": " + e.getMessage());
    }
    double age = metadataAgeSeconds();
    if (age * 1000 > 2 * METADATA_MAX_AGE.toMillis()) {
      return Check.failed(
          "kafka", String.format(Locale.ROOT, "producer metadata is %.0f s old: no broker answered lately", age));
    }
    return Check.ok(
        "kafka", String.format(Locale.ROOT, "%d partition(s) of %s, metadata %.0f s old", partitions.size(), topic, age));
  }

  private double metadataAgeSeconds() {
    for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
      if (e.getKey().group().equals("producer-metrics") && e.getKey().name().equals("metadata-age")
          && e.getValue().metricValue() instanceof Number n) {
        return n.doubleValue();
      }
    }
    return Double.MAX_VALUE;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
