package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.init.TopicInitializer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topology in a real {@link KafkaStreams} on a real broker, exactly once, with in-memory
 * stores and no RocksDB on the class path: an outage opens one incident; a second instance,
 * started on an empty state directory after the first closed, restores the state from the
 * changelog and resolves that same incident. And the runnable jar carries no RocksDB.
 */
@ExtendWith(KafkaExtension.class)
class AlerterTopologyIT {
  private static final EventCodec CODEC = new EventCodec();
  private static final Duration WAIT = Duration.ofSeconds(90);

  @Test
  void opensThenResolvesAfterARestoreFromTheChangelog(EmbeddedKafka broker, @TempDir Path dir)
      throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = new TopicsConfig(KafkaExtension.uniqueTopic("alerter"), 2, 0,
        Duration.ofDays(7), Duration.ofDays(30));
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      ti.apply();
    }
    // Recent enough that the location is not silent (3 min 10 s) at the ticks while the test runs.
    Instant t0 = Instant.now().minusSeconds(130);
    TargetSpec spec = TargetSpec.builder("shop", "https://shop.example.com/").updatedAt(t0).build();
    List<ProducerRecord<byte[], byte[]>> outage = new ArrayList<>();
    outage.add(record(topics.targets(), "shop", CODEC.encode(spec)));
    outage.add(record(topics.results(), "shop", "{bad".getBytes(StandardCharsets.UTF_8)));
    for (int i = 0; i < 2; i++) {
      outage.add(result(topics, t0.plusSeconds(60L * i), false, i));
    }
    produce(kafka, outage);

    List<IncidentEvent> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, topics)) {
      try (KafkaStreams first = start(kafka, topics, dir.resolve("first"))) {
        await().atMost(WAIT).until(() -> poll(consumer, seen) >= 1);
        assertThat(first.state().isRunningOrRebalancing()).as("first instance state").isTrue();
        assertThat(seen).singleElement().satisfies(e -> {
          assertThat(e.kind()).isEqualTo(IncidentEvent.Kind.OPENED);
          assertThat(e.targetId()).isEqualTo("shop");
        });
      }
      produce(kafka, List.of(result(topics, t0.plusSeconds(120), true, 2),
          result(topics, t0.plusSeconds(180), true, 3)));
      try (KafkaStreams second = start(kafka, topics, dir.resolve("second"))) {
        await().atMost(WAIT).until(() -> poll(consumer, seen) >= 2);
        assertThat(second.state().isRunningOrRebalancing()).as("second instance state").isTrue();
      }
    }
    assertThat(seen).extracting(IncidentEvent::kind)
        .containsExactly(IncidentEvent.Kind.OPENED, IncidentEvent.Kind.RESOLVED);
    assertThat(seen.get(1).incidentId()).as("the restored state knew the open incident")
        .isEqualTo(seen.get(0).incidentId());
  }

  @Test
  void theRunnableJarHasKafkaStreamsButNoRocksDb() throws Exception {
    Path jar = Path.of(System.getProperty("webmon.jar", "target/webmon.jar"));
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      List<String> names = zip.stream().map(ZipEntry::getName).toList();
      assertThat(names).contains("org/apache/kafka/streams/KafkaStreams.class");
      assertThat(names).filteredOn(n -> n.startsWith("org/rocksdb/") || n.contains("librocksdb"))
          .isEmpty();
    }
  }

  private static KafkaStreams start(KafkaConfig kafka, TopicsConfig topics, Path stateDir)
      throws Exception {
    Files.createDirectories(stateDir);
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.prefix() + "-alerter");
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    KafkaStreams streams =
        new KafkaStreams(AlerterTopology.build(topics, Clock.systemUTC(), Duration.ofSeconds(1)), p);
    streams.start();
    return streams;
  }

  private static ProducerRecord<byte[], byte[]> result(TopicsConfig topics, Instant at, boolean up,
      long n) {
    CheckResult.Builder b = CheckResult.builder().resultId(new UUID(0, n)).targetId("shop")
        .targetVersion(1).url(URI.create("https://shop.example.com/")).location("a")
        .agentId("agent-a").scheduledAt(at).startedAt(at)
        .timings(new PhaseTimings(0, 0, 0, 0, 0, 1000));
    CheckResult r = (up ? b.up(200) : b.down(Reason.TIMEOUT)).build();
    return record(topics.results(), "shop", CODEC.encode(r));
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static void produce(KafkaConfig kafka, List<ProducerRecord<byte[], byte[]>> records)
      throws Exception {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        producer.send(r).get(); // in order: the spec before the results
      }
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaConfig kafka, TopicsConfig topics) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaExtension.uniqueTopic("reader"));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
    c.subscribe(List.of(topics.incidents()));
    return c;
  }

  private static int poll(KafkaConsumer<byte[], byte[]> consumer, List<IncidentEvent> seen) {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
      seen.add(CODEC.decodeIncident(r.value()));
    }
    return seen.size();
  }
}
