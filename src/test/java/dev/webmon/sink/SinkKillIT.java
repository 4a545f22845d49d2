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
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.ops.OpsEndpoints;
import dev.webmon.ops.Promtool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once proof: {@code webmon sink} runs as a separate process from the packaged jar and
 * is killed with SIGKILL at random moments while it works, 10 times, while results keep arriving;
 * each time it is restarted. Results are produced until the last kill (so every kill hits a sink
 * with work to do, however long restarts take on a loaded machine), then the production stops and
 * a last run must store every produced result exactly once. CI: 10 kills at 4 000 results/s
 * (90 000 results on a quiet machine, more on a loaded one). {@code -Dwebmon.long=true}: 30 kills
 * at 10 000/s (about 1 000 000).
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(SinkKillIT.class);

  @Test
  void killedAtRandomMomentsItStillStoresEveryResultExactlyOnce(TestDatabase db, EmbeddedKafka broker) throws Exception {
    boolean longRun = Boolean.getBoolean("webmon.long");
    int max = longRun ? 5_000_000 : 1_000_000; // a bound on the production, far above what the kills take
    int kills = longRun ? 30 : 10;
    int rate = longRun ? 10_000 : 4_000;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("Kill test: results at {}/s until {} kills, seed {}", rate, kills, seed);

    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 6);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    Path logs = Path.of("target", "sink-kill-it", topics.prefix());
    List<String> args = List.of("--sink-metrics-port", "0", "--sink-group-id", "proof-" + topics.prefix(), "--sink-instance-id", "proof-1");

    ExecutorService producer = Executors.newSingleThreadExecutor();
    AtomicBoolean stop = new AtomicBoolean();
    Future<Integer> producing = producer.submit(() -> produce(kafka, topics, max, rate, stop::get));
    int n;
    try {
      for (int killed = 0; killed < kills; ) {
        long before = count(ds, "SELECT count(*) FROM check_result");
        try (JarProcess sink =
            JarProcess.start("sink", kafka, topics, db.config(), logs.resolve("run-" + (killed + 1) + ".log"), args)) {
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(50))
              .until(() -> !sink.isAlive() || producing.isDone() || count(ds, "SELECT count(*) FROM check_result") > before);
          assertThat(sink.isAlive()).as("sink run %d exited early:%n%s", killed + 1, sink.log()).isTrue();
          assertThat(producing.isDone()).as("the production (at most %d results) ended before kill %d", max, killed + 1).isFalse();
          // A random moment while it writes (fault injection, not synchronisation).
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(1500)));
          sink.kill();
          killed++;
          LOG.info("Kill {}/{}: {} rows so far", killed, kills, count(ds, "SELECT count(*) FROM check_result"));
        }
      }
      stop.set(true);
      n = producing.get(1, TimeUnit.MINUTES);
      LOG.info("Produced {} results; a last run stores the rest", n);
    } finally {
      producer.shutdownNow();
    }

    try (JarProcess sink = JarProcess.start("sink", kafka, topics, db.config(), logs.resolve("final.log"), args)) {
      await()
          .atMost(Duration.ofMinutes(longRun ? 10 : 3))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !sink.isAlive() || count(ds, "SELECT count(*) FROM check_result") >= n);
      assertThat(sink.isAlive()).as("final sink run exited early:%n%s", sink.log()).isTrue();
      // When every row was already in, the count above holds at once: let the sink finish
      // starting before the SIGTERM, or it dies in JVM start-up before it can log its clean stop.
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> !sink.isAlive() || sink.log().contains("Partitions assigned"));
      assertMetricsAndHealth(sink);
      assertThat(sink.stop()).as("exit code of a SIGTERM'd sink (143: terminated by the signal after a clean shutdown)").isIn(0, 143);
      assertThat(sink.log()).contains("Sink stopped");
    }
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT count(DISTINCT result_id) FROM check_result")).isEqualTo(n);
    assertThat(count(ds, "SELECT sum(next_offset) FROM sink_offset WHERE topic LIKE '%.results'")).isEqualTo(n);
    ds.close();
  }

  /** webmon sink serves Prometheus metrics and a health document on its metrics port. */
  private static void assertMetricsAndHealth(JarProcess sink) throws Exception {
    String log = sink.log();
    int port =
        URI.create(OpsEndpoints.loggedUrl(log).orElseThrow(() -> new AssertionError("no metrics port in the log:\n" + log)))
            .getPort();
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> metrics =
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("webmon_sink_rows_total", "webmon_sink_latency_seconds", "webmon_sink_postgres_available 1.0");
      HttpResponse<String> health =
          http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(), BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"", "\"postgres\":\"available\"");
      Promtool.assertValid(metrics.body());
      HttpRequest readyRequest = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build();
      // Ready once the consumer's first heartbeat after joining went out (within a second).
      HttpResponse<String> ready =
          await()
              .atMost(Duration.ofSeconds(15))
              .until(() -> http.send(readyRequest, BodyHandlers.ofString()), r -> r.statusCode() == 200);
      assertThat(ready.body())
          .contains("\"component\":\"sink\"", "\"ready\":true", "\"name\":\"kafka\",\"ok\":true", "\"lag\":");
    }
  }

  /** Produces {@code n} results with unique ids at about {@code rate} per second (acks=all, idempotent). */
  static void produce(KafkaConfig kafka, TopicsConfig topics, int n, int rate) {
    produce(kafka, topics, n, rate, () -> false);
  }

  /**
   * Produces up to {@code max} results with unique ids at about {@code rate} per second (acks=all,
   * idempotent) until {@code stop} says so; returns how many, every one of them acknowledged.
   */
  static int produce(KafkaConfig kafka, TopicsConfig topics, int max, int rate, BooleanSupplier stop) {
    int n = max;
    long start = System.nanoTime();
    Instant base = Instant.now();
    AtomicReference<Exception> failed = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      for (int i = 0; i < n; i++) {
        if (i % 500 == 0) {
          long due = start + TimeUnit.SECONDS.toNanos(1) * i / rate;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait); // pacing
          }
          if (Thread.currentThread().isInterrupted()) {
            return i;
          }
          if (stop.getAsBoolean()) {
            n = i;
            break;
          }
        }
        String target = "target-" + (i % 1000);
        CheckResult r = Fixtures.up(target, "eu", base.plusMillis(i), 1000 + i % 5000);
        producer.send(
            new ProducerRecord<>(topics.results(), target.getBytes(StandardCharsets.UTF_8), CODEC.encode(r)),
            (md, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new IllegalStateException("a result was not acknowledged", failed.get());
    }
    return n;
  }
}
