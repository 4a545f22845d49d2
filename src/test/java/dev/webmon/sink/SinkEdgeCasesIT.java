package dev.webmon.sink;

import static dev.webmon.sink.Fixtures.CODEC;
import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.counter;
import static dev.webmon.sink.SinkTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records at the edges, on a real broker and PostgreSQL: dead letters larger than the broker
 * takes, aborted transactional writes, records deleted by retention before the sink read them,
 * and results of a target deleted before they were processed.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkEdgeCasesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static SinkConfig config() {
    return SinkConfig.defaults(Map.of("sink.group-id", KafkaExtension.uniqueTopic("g"), "sink.maintenance", "false"));
  }

  /** A key near 1 MiB (the results topic takes 2 MiB here) cannot be copied into a dead letter: it is cut. */
  @Test
  void aHugeKeyIsCutInTheDeadLetterAndTheSinkGoesOn(TestDatabase db, EmbeddedKafka broker) throws Exception {
    assumeKcat();
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    setTopicConfig(kafka, topics.results(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(2 * 1024 * 1024));
    HikariDataSource ds = SinkTestSupport.migrated(db);
    String good = new String(CODEC.encode(Fixtures.up("k1", "eu", Instant.now(), 5)), StandardCharsets.UTF_8);
    int keyBytes = 1_200_000;
    kcat(kafka, topics.results(), "x".repeat(keyBytes) + "|{not json\n" + "k1|" + good + "\n");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config()).meterRegistry(registry).start()) {
      await().atMost(WAIT).until(() -> count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset") == 2);
      assertThat(sink.isRunning()).isTrue();
    }
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dead = SinkTestSupport.readAll(kafka, topics.dlq(), 1, Duration.ofSeconds(30));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).key()).hasSize(DeadLetters.MAX_KEY_BYTES);
    assertThat(header(dead.get(0), DeadLetters.KEY_TRUNCATED)).isEqualTo(Integer.toString(keyBytes));
    assertThat(header(dead.get(0), DeadLetters.ERROR)).isEqualTo("MALFORMED_JSON");
    assertThat(counter(registry, "webmon.sink.dead.letters.dropped")).isZero();
    ds.close();
  }

  /**
   * A dead-letter topic that refuses even the cut letter (its max.message.bytes is below the
   * value's size): the letter is counted as dropped and skipped; the records around it are written
   * and the next dead letter is delivered.
   */
  @Test
  void aDeadLetterTheTopicRefusesIsCountedAndSkipped(TestDatabase db, EmbeddedKafka broker) throws Exception {
    assumeKcat();
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    setTopicConfig(kafka, topics.dlq(), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "20000");
    HikariDataSource ds = SinkTestSupport.migrated(db);
    String good = new String(CODEC.encode(Fixtures.up("k1", "eu", Instant.now(), 5)), StandardCharsets.UTF_8);
    String good2 = new String(CODEC.encode(Fixtures.up("k1", "eu", Instant.now().plusSeconds(1), 5)), StandardCharsets.UTF_8);
    kcat(kafka, topics.results(), "k1|" + good + "\n" + "k1|{\"pad\":\"" + "y".repeat(100_000) + "\"}\n" + "k1|not json\n" + "k1|" + good2 + "\n");

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config()).meterRegistry(registry).start()) {
      await().atMost(WAIT).until(() -> count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset") == 4);
      assertThat(sink.isRunning()).isTrue();
      assertThat(sink.postgresAvailable()).isTrue();
    }
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(2);
    assertThat(counter(registry, "webmon.sink.dead.letters.dropped", "reason", "OVERSIZED")).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dead = SinkTestSupport.readAll(kafka, topics.dlq(), 1, Duration.ofSeconds(30));
    assertThat(dead).extracting(d -> header(d, DeadLetters.ERROR)).containsExactly("MALFORMED_JSON");
    ds.close();
  }

  /** Targets written in an aborted transaction never reach the target table (read_committed, like the agents). */
  @Test
  void abortedTransactionalTargetsAreNotApplied(TestDatabase db, EmbeddedKafka broker) throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(p)) {
      tx.initTransactions();
      tx.beginTransaction();
      tx.send(new ProducerRecord<>(topics.targets(), "aborted".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.target("aborted", 1))));
      tx.flush();
      tx.abortTransaction();
      tx.beginTransaction();
      tx.send(new ProducerRecord<>(topics.targets(), "kept".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.target("kept", 1))));
      tx.commitTransaction();
    }

    try (Sink sink = Sink.builder(kafka, topics, db.config(), config()).start()) {
      await().atMost(WAIT).until(() -> count(ds, "SELECT count(*) FROM target WHERE id = 'kept'") == 1);
      assertThat(sink.isRunning()).isTrue();
    }
    assertThat(count(ds, "SELECT count(*) FROM target WHERE id = 'aborted'")).isZero();
    ds.close();
  }

  /** A stored offset older than the log start: the records retention deleted are counted as lost. */
  @Test
  void recordsDeletedByRetentionBeforeTheSinkReadThemAreCounted(TestDatabase db, EmbeddedKafka broker) throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SinkConfig config = config();
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(topics.results(), "k".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.up("k", "eu", Instant.now().plusMillis(i), i)))).get();
      }
    }
    // The sink had stored records 0 and 1; retention then deleted everything before offset 6.
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO sink_offset (consumer_group, topic, partition, next_offset) VALUES ('" + config.groupId() + "', '" + topics.results() + "', 0, 2)");
    }
    TopicPartition tp = new TopicPartition(topics.results(), 0);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(6))).all().get(30, TimeUnit.SECONDS);
    }

    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).meterRegistry(registry).start()) {
      await().atMost(WAIT).until(() -> count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset") == 10);
      assertThat(sink.isRunning()).isTrue();
    }
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(4);
    assertThat(counter(registry, "webmon.sink.records.lost.to.retention", "topic", topics.results())).isEqualTo(4);
    ds.close();
  }

  /** Results processed after their target's tombstone leave no status row behind. */
  @Test
  void resultsOfADeletedTargetDoNotRecreateItsStatusRows(TestDatabase db, EmbeddedKafka broker) throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SinkConfig config = config();
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      producer.send(new ProducerRecord<>(topics.targets(), "gone".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.target("gone", 1)))).get();
      producer.send(new ProducerRecord<>(topics.targets(), "stays".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.target("stays", 1)))).get();
      producer.send(new ProducerRecord<>(topics.results(), "gone".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.up("gone", "eu", Instant.now(), 1)))).get();
    }
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
      await().atMost(WAIT).until(() -> count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'gone'") == 1);
      try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
        producer.send(new ProducerRecord<>(topics.targets(), "gone".getBytes(StandardCharsets.UTF_8), null)).get();
        await().atMost(WAIT).until(() -> count(ds, "SELECT count(*) FROM target WHERE id = 'gone'") == 0);
        // Results of checks that ran before the agents saw the tombstone, processed afterwards.
        producer.send(new ProducerRecord<>(topics.results(), "gone".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.up("gone", "us", Instant.now(), 1)))).get();
        producer.send(new ProducerRecord<>(topics.results(), "gone".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.up("gone", "eu", Instant.now().plusSeconds(1), 1)))).get();
        producer.send(new ProducerRecord<>(topics.results(), "stays".getBytes(StandardCharsets.UTF_8), CODEC.encode(Fixtures.up("stays", "eu", Instant.now(), 1)))).get();
      }
      await().atMost(WAIT).until(() -> count(ds, "SELECT count(*) FROM check_result") == 4);
      assertThat(sink.isRunning()).isTrue();
    }
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'gone'")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'stays'")).isEqualTo(1);
    ds.close();
  }

  private static void setTopicConfig(KafkaConfig kafka, String topic, String key, String value) throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      admin
          .incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Produces the lines of {@code input} ({@code key|value}) with kcat, from a file. */
  private void kcat(KafkaConfig kafka, String topic, String input) throws Exception {
    Path file = Files.writeString(tmp.resolve("records-" + UUID.randomUUID() + ".txt"), input);
    Process kcat =
        new ProcessBuilder(
                "kcat", "-P", "-b", kafka.bootstrapServers(), "-t", topic, "-K", "|",
                "-X", "message.max.bytes=2000000", "-l", file.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }

  private static void assumeKcat() {
    boolean found = false;
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      found |= Files.isExecutable(Path.of(dir, "kcat"));
    }
    Assumptions.assumeTrue(found, "kcat is not installed (apt-get install kcat)");
  }
}
