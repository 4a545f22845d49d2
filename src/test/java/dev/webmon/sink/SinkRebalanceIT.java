package dev.webmon.sink;

import static dev.webmon.sink.SinkTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Scale out and in while results flow: a second sink joins the group (cooperative rebalance), then
 * the first one stops (its partitions are revoked and handed over). Every result is stored once.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkRebalanceIT {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger loopLogger = (Logger) LoggerFactory.getLogger(SinkLoop.class);

  private java.util.List<String> assignedLines() {
    return logs.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("Partitions assigned")).toList();
  }

  @Test
  void partitionsMovingBetweenInstancesNeitherLoseNorDuplicate(TestDatabase db, EmbeddedKafka broker) throws Exception {
    int n = 30_000;
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 6);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SinkConfig config =
        SinkConfig.defaults(
            Map.of("sink.group-id", topics.prefix(), "sink.maintenance", "false", "sink.batch-max-records", "1000"));
    logs.start();
    loopLogger.addAppender(logs);
    ExecutorService producer = Executors.newSingleThreadExecutor();
    Sink first = Sink.builder(kafka, topics, db.config(), config).start();
    Sink second = null;
    try {
      Future<?> producing = producer.submit(() -> SinkKillIT.produce(kafka, topics, n, 1_500));
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") > n / 5);
      second = Sink.builder(kafka, topics, db.config(), config).start();
      long joined = count(ds, "SELECT count(*) FROM check_result");
      // Both work for a while (the second got partitions by a cooperative rebalance) ...
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") > joined + n / 5);
      assertThat(assignedLines()).as("the second instance got partitions while the first ran").hasSize(2);
      // ... then the first leaves while results still arrive: its partitions are revoked and handed over.
      first.close();
      assertThat(first.failure()).isEmpty();
      producing.get(2, TimeUnit.MINUTES);
      await().atMost(Duration.ofMinutes(2)).until(() -> count(ds, "SELECT count(*) FROM check_result") >= n);
      assertThat(second.failure()).isEmpty();
    } finally {
      loopLogger.detachAppender(logs);
      producer.shutdownNow();
      first.close();
      if (second != null) {
        second.close();
      }
    }
    assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage)).noneMatch(l -> l.contains(" lost "));
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT count(DISTINCT result_id) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT sum(next_offset) FROM sink_offset WHERE topic LIKE '%.results'")).isEqualTo(n);
    ds.close();
  }

}
