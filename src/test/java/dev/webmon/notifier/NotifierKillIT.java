package dev.webmon.notifier;

import static dev.webmon.notifier.NotifierFixture.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.IncidentEvent;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The at-least-once proof: {@code webmon notifier} runs as a child process from the packaged jar
 * and is killed with SIGKILL at random moments while transitions flow to a webhook receiver, and
 * restarted each time. At the end the receiver got every transition, and after dropping repeated
 * Idempotency-Keys each exactly once (no key it should not have got). CI: 5 kills, 102
 * transitions; {@code -Dwebmon.long=true}: 20 kills, 201 transitions.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class NotifierKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(NotifierKillIT.class);

  @Test
  void killedAtRandomMomentsItStillDeliversEveryTransition(TestDatabase db, EmbeddedKafka broker) throws Exception {
    boolean longRun = Boolean.getBoolean("webmon.long");
    int incidents = longRun ? 67 : 34;
    int kills = longRun ? 20 : 5;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 3);
    HikariDataSource ds = NotifierFixture.migrated(db);
    Path logs = Path.of("target", "notifier-kill-it", topics.prefix());
    List<IncidentEvent> events = new ArrayList<>();
    for (int i = 0; i < incidents; i++) {
      events.addAll(NotifierFixture.lifecycle("t-" + i));
    }
    LOG.info("Kill test: {} transitions, {} kills, seed {}", events.size(), kills, seed);
    List<String> args =
        List.of(
            "--check-allowed-networks", "127.0.0.1/32",
            "--notifier-metrics-port", "0",
            "--notify-group-wait", "0s",
            "--notify-retry-initial", "100ms",
            "--notify-retry-max", "1s");

    try (Receiver hook = new Receiver()) {
      NotifierFixture.webhook(ds, "hook", hook.url("/").toString(), true);
      ExecutorService producer = Executors.newSingleThreadExecutor();
      Future<?> producing = producer.submit(() -> produce(kafka, topics, events, longRun ? 3 : 6));
      try {
        for (int run = 1; run <= kills; run++) {
          int before = hook.requests.size();
          try (JarProcess n = JarProcess.start("notifier", kafka, topics, db.config(), logs.resolve("run-" + run + ".log"), args)) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                .until(() -> !n.isAlive() || hook.requests.size() > before || distinct(hook).size() == events.size());
            assertThat(n.isAlive()).as("notifier run %d exited early:%n%s", run, n.log()).isTrue();
            // A random moment while it delivers (fault injection, not synchronisation).
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(longRun ? 1500 : 1000)));
            n.kill();
            LOG.info("Kill {}/{}: {} requests, {} distinct keys so far", run, kills, hook.requests.size(), distinct(hook).size());
          }
        }
        producing.get(5, TimeUnit.MINUTES);
      } finally {
        producer.shutdownNow();
      }
      try (JarProcess n = JarProcess.start("notifier", kafka, topics, db.config(), logs.resolve("final.log"), args)) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
            .until(() -> !n.isAlive()
                || count(ds, "SELECT count(*) FROM notification WHERE state = 'delivered'") == events.size());
        assertThat(n.isAlive()).as("final run exited early:%n%s", n.log()).isTrue();
        await().atMost(Duration.ofSeconds(60)).until(() -> n.log().contains("Partitions assigned"));
        assertThat(n.stop()).isIn(0, 143);
        assertThat(n.log()).contains("Notifier stopped");
      }
      Set<String> expected = new LinkedHashSet<>();
      events.forEach(e -> expected.add(NotifierFixture.key(e, "hook")));
      assertThat(distinct(hook)).containsExactlyInAnyOrderElementsOf(expected);
      Map<String, Integer> times = new HashMap<>();
      hook.requests.forEach(r -> times.merge(r.header("Idempotency-Key"), 1, Integer::sum));
      LOG.info("{} requests for {} transitions ({} repeated)", hook.requests.size(), expected.size(),
          hook.requests.size() - expected.size());
      assertThat(hook.requests).allSatisfy(r ->
          assertThat(r.header("X-Webmon-Signature")).isEqualTo(NotifierFixture.signature(r.body())));
      NotifierFlowIT.assertPerIncidentOrder(hook.requests);
      assertThat(count(ds, "SELECT count(*) FROM notification")).isEqualTo(events.size());
    }
    ds.close();
  }

  private static Set<String> distinct(Receiver hook) {
    Set<String> keys = new LinkedHashSet<>();
    hook.requests.forEach(r -> keys.add(r.header("Idempotency-Key")));
    return keys;
  }

  /** Produces the transitions at about {@code rate} per second. */
  private static void produce(KafkaConfig kafka, TopicsConfig topics, List<IncidentEvent> events, int rate) {
    try (KafkaProducer<byte[], byte[]> p = NotifierFixture.producer(kafka)) {
      long start = System.nanoTime();
      for (int i = 0; i < events.size(); i++) {
        long wait = start + TimeUnit.SECONDS.toNanos(1) * i / rate - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing
        }
        NotifierFixture.send(p, topics, events.get(i));
        p.flush();
      }
    }
  }
}
