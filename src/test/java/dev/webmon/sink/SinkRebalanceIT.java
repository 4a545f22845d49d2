package dev.webmon.sink;

import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.counter;
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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scale out and in while results flow: a second sink joins the group (cooperative rebalance), then
 * the first one stops (its partitions are revoked and handed over). Every result is stored once.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkRebalanceIT {
  @Test
  void partitionsMovingBetweenInstancesNeitherLoseNorDuplicate(TestDatabase db, EmbeddedKafka broker) throws Exception {
    int n = 30_000;
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 6);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SinkConfig config =
        SinkConfig.defaults(
            Map.of("sink.group-id", topics.prefix(), "sink.maintenance", "false", "sink.batch-max-records", "1000"));
    SimpleMeterRegistry firstMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry secondMeters = new SimpleMeterRegistry();
    ExecutorService producer = Executors.newSingleThreadExecutor();
    Sink first = Sink.builder(kafka, topics, db.config(), config).meterRegistry(firstMeters).start();
    Sink second = null;
    try {
      Future<?> producing = producer.submit(() -> SinkKillIT.produce(kafka, topics, n, 1_500));
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") > n / 5);
      second = Sink.builder(kafka, topics, db.config(), config).meterRegistry(secondMeters).start();
      long joined = count(ds, "SELECT count(*) FROM check_result");
      // Both work for a while (the second got partitions by a cooperative rebalance) ...
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") > joined + n / 5);
      assertThat(counter(secondMeters, "webmon.sink.partitions", "event", "assigned"))
          .as("the second instance got partitions while the first ran")
          .isPositive();
      assertThat(counter(firstMeters, "webmon.sink.partitions", "event", "revoked"))
          .as("the first instance gave some up")
          .isPositive();
      // ... then the first leaves while results still arrive: its partitions are revoked and handed over.
      first.close();
      assertThat(first.failure()).isEmpty();
      producing.get(2, TimeUnit.MINUTES);
      await().atMost(Duration.ofMinutes(2)).until(() -> count(ds, "SELECT count(*) FROM check_result") >= n);
      assertThat(second.failure()).isEmpty();
    } finally {
      producer.shutdownNow();
      first.close();
      if (second != null) {
        second.close();
      }
    }
    assertThat(counter(firstMeters, "webmon.sink.partitions", "event", "lost")).isZero();
    assertThat(counter(secondMeters, "webmon.sink.partitions", "event", "lost")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT count(DISTINCT result_id) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT sum(next_offset) FROM sink_offset WHERE topic LIKE '%.results'")).isEqualTo(n);
    ds.close();
  }

}
