package dev.webmon.sink;

import static dev.webmon.sink.Fixtures.CODEC;
import static dev.webmon.sink.SinkTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 3-broker cluster (RF 3, min.insync 2): the broker coordinating the sink's group is killed
 * with SIGKILL while a producer publishes (acks=all, idempotent) and the sink consumes. Every
 * result the producer had acknowledged is in PostgreSQL, exactly once.
 */
@ExtendWith(PostgresExtension.class)
class SinkBrokerFailureIT {
  private static final Logger LOG = LoggerFactory.getLogger(SinkBrokerFailureIT.class);

  @Test
  void everyAcknowledgedResultIsStoredExactlyOnceWhenABrokerDies(TestDatabase db) throws Exception {
    int rate = 1_000;
    Duration producing = Duration.ofSeconds(Boolean.getBoolean("webmon.long") ? 120 : 15);
    try (EmbeddedKafka cluster = EmbeddedKafka.builder().nodes(3).start();
        HikariDataSource ds = SinkTestSupport.migrated(db)) {
      KafkaConfig kafka = cluster.kafkaConfig();
      TopicsConfig topics = SinkTestSupport.topics(kafka, 6);
      String group = "sink-" + topics.prefix();
      Set<UUID> acked = ConcurrentHashMap.newKeySet();
      AtomicLong failed = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService producer = Executors.newSingleThreadExecutor();
      SinkConfig config = SinkConfig.defaults(Map.of("sink.group-id", group, "sink.maintenance", "false"));
      try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
        Future<?> publishing = producer.submit(() -> publish(kafka, topics, rate, producing, acked, failed, stop));
        await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") > 2 * rate);

        int victim;
        try (Admin admin = Admin.create(kafka.clientProperties())) {
          victim = admin.describeConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS).get(group).coordinator().id();
        }
        cluster.killNode(victim);
        LOG.info("Killed broker {} (coordinator of {}) with {} results acknowledged", victim, group, acked.size());

        publishing.get(producing.plusMinutes(2).toSeconds(), TimeUnit.SECONDS);
        LOG.info("Producer done: {} acknowledged, {} failed", acked.size(), failed.get());
        await()
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> storedIds(ds).containsAll(acked));
        assertThat(sink.failure()).isEmpty();
      } finally {
        stop.set(true);
        producer.shutdownNow();
      }
      assertThat(acked.size()).as("acknowledged results").isGreaterThan(rate * (int) producing.toSeconds() / 2);
      assertThat(count(ds, "SELECT count(*) FROM check_result"))
          .as("no duplicates")
          .isEqualTo(count(ds, "SELECT count(DISTINCT result_id) FROM check_result"));
      assertThat(storedIds(ds)).containsAll(acked);
    }
  }

  private static Set<UUID> storedIds(HikariDataSource ds) throws Exception {
    Set<UUID> ids = new HashSet<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT result_id FROM check_result")) {
      while (rs.next()) {
        ids.add(rs.getObject(1, UUID.class));
      }
    }
    return ids;
  }

  private static void publish(
      KafkaConfig kafka,
      TopicsConfig topics,
      int rate,
      Duration duration,
      Set<UUID> acked,
      AtomicLong failed,
      AtomicBoolean stop) {
    long start = System.nanoTime();
    long total = rate * duration.toSeconds();
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      for (long i = 0; i < total && !stop.get(); i++) {
        if (i % 50 == 0) {
          long wait = start + TimeUnit.SECONDS.toNanos(1) * i / rate - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait); // pacing
          }
        }
        String target = "target-" + (i % 300);
        CheckResult r = Fixtures.up(target, "eu", Instant.now(), 1000);
        producer.send(
            new ProducerRecord<>(topics.results(), target.getBytes(StandardCharsets.UTF_8), CODEC.encode(r)),
            (md, e) -> {
              if (e == null) {
                acked.add(r.resultId());
              } else {
                failed.incrementAndGet();
              }
            });
      }
      producer.flush();
    }
  }
}
