package dev.webmon.sink;

import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import dev.webmon.store.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL stopped mid-stream (10 s in CI, 30 s with {@code -Dwebmon.long=true}) and started
 * again on the same data directory and port: the sink waits with a capped backoff, keeps its group
 * membership, resumes, and stores every result exactly once.
 */
@ExtendWith(KafkaExtension.class)
class SinkPostgresOutageIT {

  @Test
  void waitsForPostgresqlAndResumesWithoutLossOrDuplicates(EmbeddedKafka broker) throws Exception {
    Duration outage = Duration.ofSeconds(Boolean.getBoolean("webmon.long") ? 30 : 10);
    int n = 30_000;
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 3);
    Path dir = Files.createTempDirectory("webmon-pg-outage-");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir).start();
    int port = pg.port();
    PostgresConfig created = pg.createDatabase("outage");
    PostgresConfig config =
        PostgresConfig.from(
            Settings.of(
                Map.of(
                    "postgres.url", created.url(),
                    "postgres.user", created.user(),
                    "postgres.password", created.password().reveal(),
                    "postgres.sslmode", "DISABLE",
                    "postgres.connect-timeout", "2s")));
    try (HikariDataSource ds = SinkTestSupport.migrated(config)) {
      ds.getConnection().close();
    }
    SinkConfig sinkConfig =
        SinkConfig.defaults(Map.of("sink.group-id", topics.prefix(), "sink.retry-backoff-max", "4s", "sink.maintenance", "false"));
    ExecutorService producer = Executors.newSingleThreadExecutor();
    try (Sink sink = Sink.builder(kafka, topics, config, sinkConfig).meterRegistry(registry).start()) {
      Future<?> producing = producer.submit(() -> SinkKillIT.produce(kafka, topics, n, 1_000));
      HikariDataSource[] ds = {Database.pool(config, "test")};
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds[0], "SELECT count(*) FROM check_result") > 3_000);
      ds[0].close();
      double assigned = counter(registry, "webmon.sink.partitions", "event", "assigned");
      assertThat(assigned).isPositive();

      pg.close(); // fast shutdown: the sink's connections break mid-stream
      await().pollDelay(outage).atMost(outage.plusSeconds(5)).until(() -> true);
      assertThat(sink.failure()).isEmpty();
      // What /health reports meanwhile: running, PostgreSQL unavailable.
      assertThat(sink.isRunning()).isTrue();
      assertThat(sink.postgresAvailable()).isFalse();
      Health health = new SinkHealth(sink, sinkConfig).health();
      assertThat(health.status()).isEqualTo(Health.Status.UP);
      assertThat(health.ready()).isFalse();
      assertThat(health.checks()).filteredOn(c -> !c.ok()).extracting(Check::name).containsExactly("postgres");
      pg = EmbeddedPostgres.builder().dataDir(dir).port(port).start();

      ds[0] = Database.pool(config, "test");
      producing.get(2, TimeUnit.MINUTES);
      await().atMost(Duration.ofMinutes(2)).until(() -> count(ds[0], "SELECT count(*) FROM check_result") >= n);
      assertThat(count(ds[0], "SELECT count(*) FROM check_result")).isEqualTo(n);
      assertThat(count(ds[0], "SELECT count(DISTINCT result_id) FROM check_result")).isEqualTo(n);
      assertThat(count(ds[0], "SELECT sum(next_offset) FROM sink_offset")).isEqualTo(n);
      ds[0].close();
      assertThat(sink.failure()).isEmpty();
      assertThat(sink.postgresAvailable()).isTrue();
      // The partitions stayed assigned (until the close): the group membership survived the outage.
      assertThat(counter(registry, "webmon.sink.partitions", "event", "assigned")).isEqualTo(assigned);
      assertThat(counter(registry, "webmon.sink.partitions", "event", "revoked")).isZero();
      assertThat(counter(registry, "webmon.sink.partitions", "event", "lost")).isZero();
      assertThat(counter(registry, "webmon.sink.batches.fenced")).isZero();
    } finally {
      producer.shutdownNow();
      pg.close();
      SinkTestSupport.deleteTree(dir);
    }

    double attempts = counter(registry, "webmon.sink.unavailable");
    assertThat(attempts).as("attempts that found PostgreSQL down").isPositive();
    // A capped doubling backoff, not a busy loop: a handful of attempts per outage.
    assertThat(attempts).as("attempts during a %s outage", outage).isLessThanOrEqualTo(5 + outage.toSeconds() / 2);
  }
}
