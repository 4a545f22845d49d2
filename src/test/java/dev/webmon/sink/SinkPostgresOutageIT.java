package dev.webmon.sink;

import static dev.webmon.sink.SinkTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

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
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    Logger loopLogger = (Logger) LoggerFactory.getLogger(SinkLoop.class);
    loopLogger.addAppender(logs);

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
    try (Sink sink = Sink.builder(kafka, topics, config, sinkConfig).start()) {
      Future<?> producing = producer.submit(() -> SinkKillIT.produce(kafka, topics, n, 1_000));
      HikariDataSource[] ds = {Database.pool(config, "test")};
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds[0], "SELECT count(*) FROM check_result") > 3_000);
      ds[0].close();

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
    } finally {
      producer.shutdownNow();
      loopLogger.detachAppender(logs);
      pg.close();
      SinkTestSupport.deleteTree(dir);
    }

    List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    List<String> waiting = lines.stream().filter(l -> l.startsWith("PostgreSQL unavailable, retrying in ")).toList();
    assertThat(waiting).as("log lines while PostgreSQL is down").isNotEmpty();
    // A capped doubling backoff, not a busy loop: a handful of attempts per outage.
    assertThat(waiting.size()).as("attempts during a %s outage: %s", outage, waiting).isLessThanOrEqualTo(5 + (int) outage.toSeconds() / 2);
    assertThat(lines).anyMatch(l -> l.startsWith("PostgreSQL back after "));
    // The partitions stayed assigned: the group membership survived the outage.
    assertThat(lines.stream().filter(l -> l.startsWith("Partitions assigned"))).hasSize(1);
  }
}
