package dev.webmon.alerter;

import static org.awaitility.Awaitility.await;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.init.TopicInitializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the alerter's process-level tests share: topics under a fresh prefix (created by init's
 * own code), an idempotent producer for targets and scripted results, a read_committed reader of
 * the incidents topic, and the {@code webmon alerter} command line.
 */
final class AlerterFixture implements AutoCloseable {
  static final EventCodec CODEC = new EventCodec();

  final KafkaConfig kafka;
  final TopicsConfig topics;
  final Path logs;
  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> sendFailure = new AtomicReference<>();

  AlerterFixture(EmbeddedKafka broker, int partitions) {
    this.kafka = broker.kafkaConfig();
    String prefix = KafkaExtension.uniqueTopic("alerter");
    this.topics =
        TopicsConfig.from(Settings.of(Map.of("topics.prefix", prefix, "topics.partitions", Integer.toString(partitions))));
    try (TopicInitializer init = new TopicInitializer(kafka, topics)) {
      init.apply();
    }
    this.logs = Path.of("target", "alerter-it", prefix);
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(p);
  }

  /** A target checked every 10 s with a 1 s timeout (a location is silent after 31 s). */
  TargetSpec target(String id, URI url) {
    return TargetSpec.builder(id, url)
        .version(1)
        .name("Target " + id)
        .interval(Duration.ofSeconds(10))
        .timeout(Duration.ofSeconds(1))
        .updatedAt(Instant.now())
        .build();
  }

  void publish(TargetSpec spec) {
    send(topics.targets(), spec.id(), CODEC.encode(spec));
    producer.flush();
  }

  /** Sends a result without waiting; {@link #flush()} waits and fails if one was not acknowledged. */
  void send(CheckResult r) {
    producer.send(
        new ProducerRecord<>(topics.results(), r.targetId().getBytes(StandardCharsets.UTF_8), CODEC.encode(r)),
        (md, e) -> {
          if (e != null) {
            sendFailure.compareAndSet(null, e);
          }
        });
  }

  void flush() {
    producer.flush();
    if (sendFailure.get() != null) {
      throw new IllegalStateException("a result was not acknowledged", sendFailure.get());
    }
  }

  private void send(String topic, String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("send to " + topic + " failed", e);
    }
  }

  /** A result of {@code target} from {@code location} at {@code startedAt}, up or down (HTTP 503). */
  static CheckResult result(TargetSpec target, String location, Instant startedAt, boolean up) {
    CheckResult.Builder b =
        CheckResult.builder()
            .resultId(UUID.randomUUID())
            .target(target)
            .location(location)
            .agentId("script-" + location)
            .scheduledAt(startedAt)
            .startedAt(startedAt)
            .timings(new PhaseTimings(100, 100, 0, 2_000, 100, 2_500))
            .bodyBytes(12)
            .httpVersion("HTTP/1.1")
            .remoteAddress("192.0.2.1");
    return (up ? b.up(200) : b.down(Reason.HTTP_STATUS).statusCode(503).detail("503 Service Unavailable")).build();
  }

  /** Every committed record of the incidents topic, in offset order per partition. */
  List<IncidentEvent> incidents() {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<IncidentEvent> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts =
          c.partitionsFor(topics.incidents()).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts); // the last stable offsets under read_committed
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(r -> out.add(CODEC.decodeIncident(r.value())));
      }
    }
    return out;
  }

  /** The incidents of one kind. */
  List<IncidentEvent> incidents(IncidentEvent.Kind kind) {
    return incidents().stream().filter(e -> e.kind() == kind).toList();
  }

  /**
   * Whether the alerter group has committed every results record produced so far: then every
   * transition they cause is committed to the incidents topic too (same transaction).
   */
  boolean caughtUp() throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets(Alerter.applicationId(topics))
              .partitionsToOffsetAndMetadata()
              .get(10, TimeUnit.SECONDS);
      Set<TopicPartition> results =
          admin.describeTopics(List.of(topics.results())).allTopicNames().get(10, TimeUnit.SECONDS).get(topics.results())
              .partitions().stream()
              .map(i -> new TopicPartition(topics.results(), i.partition()))
              .collect(Collectors.toSet());
      Map<TopicPartition, Long> end =
          admin
              .listOffsets(results.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
              .all()
              .get(10, TimeUnit.SECONDS)
              .entrySet()
              .stream()
              .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
      return results.stream()
          .allMatch(tp -> end.get(tp) == 0 || (committed.get(tp) != null && committed.get(tp).offset() >= end.get(tp)));
    }
  }

  /** Waits until {@link #caughtUp()}. */
  void awaitCaughtUp(Duration atMost) {
    await("alerter committed every result").atMost(atMost).pollInterval(Duration.ofMillis(500)).until(this::caughtUp);
  }

  /** {@code alerter} with this fixture's Kafka and topics, an ops endpoint on a free port and a 1 s tick. */
  List<String> alerterArgs(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "alerter",
                "--kafka-bootstrap-servers", kafka.bootstrapServers(),
                "--topics-prefix", topics.prefix(),
                "--topics-partitions", Integer.toString(topics.partitions()),
                "--alerter-metrics-host", "127.0.0.1",
                "--alerter-metrics-port", "0",
                "--alerter-tick-interval", "1s",
                "--alerter-session-timeout", "6s"));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * Starts {@code webmon alerter}; unless {@code extra} names one, its state directory is a new
   * one under target/ (a killed process cannot remove a temporary one).
   */
  JarProcess startAlerter(String logName, String... extra) throws java.io.IOException {
    List<String> args = alerterArgs(extra);
    if (!args.contains("--alerter-state-dir")) {
      args.addAll(List.of("--alerter-state-dir", logs.resolve("state-" + logName).toString()));
    }
    return JarProcess.start(logs.resolve(logName), args);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
