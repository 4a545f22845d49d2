package dev.webmon.sink;

import static dev.webmon.sink.Fixtures.CODEC;
import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.IncidentEvent;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.IncidentFixtures;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink stores {@code <prefix>.incidents} end to end on a real broker and PostgreSQL: each
 * incident and each of its events exactly once, across a restart and a replay from the
 * beginning, in the same batches and offsets as results; poison incident records go to the
 * dead-letter topic and the sink goes on.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkIncidentsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int INCIDENTS = 40;

  @Test
  void incidentsLandExactlyOnceAcrossARestartAndAReplayAndPoisonGoesToTheDeadLetterTopic(TestDatabase db, EmbeddedKafka broker)
      throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 3);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SinkConfig config = SinkConfig.defaults(Map.of("sink.group-id", KafkaExtension.uniqueTopic("g"), "sink.maintenance", "false"));
    List<List<IncidentEvent>> lives = new ArrayList<>();
    for (int i = 0; i < INCIDENTS; i++) {
      lives.add(IncidentFixtures.lifecycle(UUID.randomUUID(), "t" + (i % 15)));
    }
    List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
    for (List<IncidentEvent> life : lives) {
      // The first incident's OPENED comes after its UPDATED: out of order within a batch.
      List<IncidentEvent> head = life == lives.get(0) ? List.of(life.get(1), life.get(0), life.get(2)) : life.subList(0, 3);
      head.forEach(e -> first.add(incident(topics, e.targetId(), CODEC.encode(e))));
    }
    for (int i = 0; i < 100; i++) {
      var r = Fixtures.up("t" + (i % 15), "eu", Instant.now(), i);
      first.add(new ProducerRecord<>(topics.results(), r.targetId().getBytes(StandardCharsets.UTF_8), CODEC.encode(r)));
    }
    IncidentEvent sample = lives.get(1).get(0);
    first.add(incident(topics, sample.targetId(), "{\"v\":\"1.0\",".getBytes(StandardCharsets.UTF_8)));
    first.add(incident(topics, "not-" + sample.targetId(), CODEC.encode(sample)));
    first.add(incident(topics, sample.targetId(), null));
    produce(kafka, first);

    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
      await().atMost(WAIT).until(() -> offsets(ds) == first.size());
      assertThat(sink.failure()).as("poison incident records never stop the sink").isEmpty();
    }
    assertThat(count(ds, "SELECT count(*) FROM incident WHERE state = 'acknowledged' AND last_seq = 3")).isEqualTo(INCIDENTS);
    assertThat(count(ds, "SELECT count(*) FROM incident_event")).isEqualTo(3 * INCIDENTS);
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(100);
    UUID firstId = lives.get(0).get(0).incidentId();
    assertThat(count(ds, "SELECT count(*) FROM incident WHERE id = '" + firstId + "' AND severity = 'degraded' AND acknowledged_by = 'alice'"))
        .isOne();
    List<ConsumerRecord<byte[], byte[]>> dead = SinkTestSupport.readAll(kafka, topics.dlq(), 3, Duration.ofSeconds(30));
    assertThat(dead)
        .extracting(d -> header(d, DeadLetters.ERROR) + "@" + header(d, DeadLetters.SOURCE_TOPIC))
        .containsExactlyInAnyOrder(
            "MALFORMED_JSON@" + topics.incidents(), "WRONG_KEY@" + topics.incidents(), "EMPTY@" + topics.incidents());

    // Restarted: the rest of each life, and one event published twice (a producer's retry).
    List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
    for (List<IncidentEvent> life : lives) {
      life.subList(3, 5).forEach(e -> second.add(incident(topics, e.targetId(), CODEC.encode(e))));
    }
    IncidentEvent twice = lives.get(2).get(3);
    second.add(incident(topics, twice.targetId(), CODEC.encode(twice)));
    produce(kafka, second);
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
      await().atMost(WAIT).until(() -> offsets(ds) == first.size() + second.size());
      assertThat(sink.failure()).isEmpty();
    }
    assertResolvedOnce(ds);

    // An operator resets the incidents' stored offsets: everything is read again, nothing doubles.
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM sink_offset WHERE topic = '" + topics.incidents() + "'");
    }
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
      await().atMost(WAIT).until(() -> offsets(ds) == first.size() + second.size());
      assertThat(sink.failure()).isEmpty();
    }
    assertResolvedOnce(ds);
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(100);
    ds.close();
  }

  private static void assertResolvedOnce(HikariDataSource ds) {
    assertThat(count(ds, "SELECT count(*) FROM incident")).isEqualTo(INCIDENTS);
    assertThat(
            count(
                ds,
                "SELECT count(*) FROM incident WHERE state = 'resolved' AND last_seq = 5 AND severity = 'down' "
                    + "AND acknowledged_by = 'alice' AND resolved_at IS NOT NULL AND locations = '[]'::jsonb"))
        .isEqualTo(INCIDENTS);
    assertThat(count(ds, "SELECT count(*) FROM incident_event")).isEqualTo(5 * INCIDENTS);
    assertThat(count(ds, "SELECT count(DISTINCT (incident_id, seq)) FROM incident_event")).isEqualTo(5 * INCIDENTS);
  }

  private static ProducerRecord<byte[], byte[]> incident(TopicsConfig topics, String key, byte[] value) {
    return new ProducerRecord<>(topics.incidents(), key.getBytes(StandardCharsets.UTF_8), value);
  }

  private static void produce(KafkaConfig kafka, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        acks.add(producer.send(r));
      }
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
    }
  }

  /** The sum of the stored next offsets: the records consumed, as every partition starts at 0. */
  private static long offsets(HikariDataSource ds) {
    return count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset");
  }
}
