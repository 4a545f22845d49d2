package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
import java.sql.Connection;
import java.time.Instant;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Writes while Kafka stalls hold no pooled connection, so reads keep answering; concurrent edits of
 * one target through two web instances never fork versions.
 */
@ExtendWith({KafkaExtension.class, ContextResolver.class})
class WriteStallIT {
  private static final int POOL_SIZE = 8; // postgres.pool-size default, as PostgresFixture opens it
  private final EventCodec codec = new EventCodec();

  /** A publisher of OUR interface that waits for a latch before handing over to the real one. */
  private static final class StallingPublisher implements TargetPublisher {
    final TargetPublisher real;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger waiting = new AtomicInteger();

    StallingPublisher(TargetPublisher real) {
      this.real = real;
    }

    private void stall() {
      waiting.incrementAndGet();
      try {
        if (!release.await(60, TimeUnit.SECONDS)) {
          throw new UnavailableException("Kafka", "stalled", new IllegalStateException("never released"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("Kafka", "interrupted", e);
      } finally {
        waiting.decrementAndGet();
      }
    }

    @Override
    public void publish(TargetSpec spec) {
      stall();
      real.publish(spec);
    }

    @Override
    public void delete(String id) {
      stall();
      real.delete(id);
    }

    @Override
    public void close() {
      real.close();
    }
  }

  @Test
  void readsAnswerWhileMoreWritesThanConnectionsWaitForKafka(ExtensionContext context, EmbeddedKafka kafka) throws Exception {
    String topic = KafkaExtension.uniqueTopic("targets");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), topic);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    int writers = POOL_SIZE + 4;
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "stall");
        StallingPublisher stalled =
            new StallingPublisher(KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout()));
        WebApp app = WebApp.create(config, db, stalled, WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC()).start();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      assertThat(db.getMaximumPoolSize()).isEqualTo(POOL_SIZE);
      String existing = "existing1";
      try (Connection c = db.getConnection()) {
        new Targets().upsert(c, TargetSpec.builder(existing, "https://existing.example.com/").updatedAt(Instant.now()).build());
      }
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());
      List<Future<WebFixture.Response>> writes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String body = "{\"url\":\"https://w" + i + ".example.com/\"}";
        writes.add(pool.submit(() -> api.post("/api/v1/targets", body)));
      }
      writes.add(pool.submit(() -> api.put("/api/v1/targets/" + existing, "{\"url\":\"https://changed.example.com/\"}")));
      await().atMost(Duration.ofSeconds(20)).until(() -> stalled.waiting.get() >= POOL_SIZE);

      // Kafka stalls and more writes wait for it than the pool has connections: reads still answer.
      long start = System.nanoTime();
      WebFixture.Response list = api.get("/api/v1/targets");
      assertThat(list.status()).as(list.body()).isEqualTo(200);
      assertThat(api.get("/api/v1/targets/" + existing).status()).isEqualTo(200);
      UiClient ui = new UiClient("http://127.0.0.1:" + app.port());
      ui.login(WebFixture.PASSWORD);
      HttpResponse<String> page = ui.get("/targets");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      await().atMost(Duration.ofSeconds(20)).until(() -> stalled.waiting.get() == writers + 1);

      stalled.release.countDown();
      for (Future<WebFixture.Response> f : writes) {
        WebFixture.Response r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isIn(200, 201);
      }
      assertThat(api.get("/api/v1/targets/" + existing).json().get("url").asText()).isEqualTo("https://changed.example.com/");
      assertThat(api.get("/api/v1/targets").json().get("total").asLong()).isEqualTo(writers + 1);
    }
  }

  @Test
  void concurrentEditsThroughTwoInstancesNeverForkVersions(ExtensionContext context, EmbeddedKafka kafka) throws Exception {
    String topic = KafkaExtension.uniqueTopic("targets");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), topic);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "fork");
        TargetPublisher p1 = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
        TargetPublisher p2 = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
        WebApp a = WebApp.create(config, db, p1, WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC()).start();
        WebApp b = WebApp.create(config, db, p2, WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC()).start();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      WebFixture.Client ca = new WebFixture.Client("http://127.0.0.1:" + a.port());
      WebFixture.Client cb = new WebFixture.Client("http://127.0.0.1:" + b.port());
      String id = ca.post("/api/v1/targets", "{\"url\":\"https://edit.example.com/\"}").json().get("id").asText();
      int edits = 24;
      CountDownLatch go = new CountDownLatch(1);
      List<Future<WebFixture.Response>> results = new ArrayList<>();
      for (int i = 0; i < edits; i++) {
        WebFixture.Client c = i % 2 == 0 ? ca : cb;
        String body = "{\"url\":\"https://edit.example.com/\",\"name\":\"edit " + i + "\"}";
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return c.put("/api/v1/targets/" + id, body);
                }));
      }
      go.countDown();
      int ok = 0;
      for (Future<WebFixture.Response> f : results) {
        WebFixture.Response r = f.get(60, TimeUnit.SECONDS);
        assertThat(r.status()).as(r.body()).isIn(200, 409);
        if (r.status() == 200) {
          ok++;
        } else {
          assertThat(r.json().get("message").asText()).contains("being changed");
          assertThat(r.header("Retry-After")).isPresent();
        }
      }
      assertThat(ok).isPositive();

      Map<Long, String> byVersion = new HashMap<>();
      long max = 0;
      for (ConsumerRecord<String, byte[]> r : records(kafka, topic)) {
        if (!r.key().equals(id)) {
          continue;
        }
        TargetSpec spec = codec.decodeTarget(r.value());
        String earlier = byVersion.put(spec.version(), spec.name());
        assertThat(earlier).as("two records with version %d", spec.version()).isNull();
        max = Math.max(max, spec.version());
      }
      assertThat(byVersion).hasSize(ok + 1);
      WebFixture.Response stored = ca.get("/api/v1/targets/" + id);
      assertThat(stored.json().get("version").asLong()).isEqualTo(max);
      assertThat(stored.json().get("name").asText()).isEqualTo(byVersion.get(max));
    }
  }

  @Test
  void aFailedPublishFreesTheTargetAndItsVersionIsNeverReused(ExtensionContext context, EmbeddedKafka kafka) throws Exception {
    String topic = KafkaExtension.uniqueTopic("targets");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), topic);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    AtomicInteger failAfterSending = new AtomicInteger();
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "lease");
        TargetPublisher real = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
        WebApp app =
            WebApp.create(config, db, new TimingOutPublisher(real, failAfterSending), WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC())
                .start()) {
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());
      String id = api.post("/api/v1/targets", "{\"url\":\"https://lease.example.com/\"}").json().get("id").asText();
      // The broker gets version 2 but the acknowledgement "times out": the client sees 503.
      failAfterSending.set(1);
      WebFixture.Response lost = api.put("/api/v1/targets/" + id, "{\"url\":\"https://lease.example.com/\",\"name\":\"lost\"}");
      assertThat(lost.status()).as(lost.body()).isEqualTo(503);
      assertThat(api.get("/api/v1/targets/" + id).json().get("version").asLong()).isEqualTo(1);
      // The target is free again at once (no 409), and the next edit does not reuse version 2.
      WebFixture.Response next = api.put("/api/v1/targets/" + id, "{\"url\":\"https://lease.example.com/\",\"name\":\"next\"}");
      assertThat(next.status()).as(next.body()).isEqualTo(200);
      assertThat(next.json().get("version").asLong()).isEqualTo(3);
      List<Long> versions =
          records(kafka, topic).stream().filter(r -> r.key().equals(id)).map(r -> codec.decodeTarget(r.value()).version()).toList();
      assertThat(versions).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void anImportKafkaAcknowledgesOnlyPartlyStoresWhatWasAcknowledgedAndSaysSo(ExtensionContext context, EmbeddedKafka kafka)
      throws Exception {
    String topic = KafkaExtension.uniqueTopic("targets");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), topic);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "partial");
        TargetPublisher real = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
        WebApp app = WebApp.create(config, db, new HalfPublisher(real), WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC()).start()) {
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());
      StringBuilder yaml = new StringBuilder();
      for (int i = 0; i < 10; i++) {
        yaml.append("- url: https://partial-").append(i).append(".example.com/\n");
      }
      WebFixture.Response r =
          api.send("POST", "/api/v1/targets/import", java.util.Optional.of(WebFixture.TOKEN), java.util.Optional.of(yaml.toString()), "application/yaml");
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.json().get("message").asText()).contains("5 of the 10 changes").contains("again");
      // What reached Kafka is in the table too, nothing else.
      assertThat(api.get("/api/v1/targets").json().get("total").asLong()).isEqualTo(5);
      assertThat(records(kafka, topic)).hasSize(5);
    }
  }

  /** Acknowledges every other record of a bulk publish (the others "time out"). */
  private record HalfPublisher(TargetPublisher real) implements TargetPublisher {
    @Override
    public void publish(TargetSpec spec) {
      real.publish(spec);
    }

    @Override
    public java.util.BitSet publishAll(List<TargetSpec> specs) {
      java.util.BitSet acknowledged = new java.util.BitSet();
      for (int i = 0; i < specs.size(); i += 2) {
        real.publish(specs.get(i));
        acknowledged.set(i);
      }
      return acknowledged;
    }

    @Override
    public void delete(String id) {
      real.delete(id);
    }

    @Override
    public void close() {}
  }

  /** Publishes for real, then reports a timeout while {@code failures} is positive. */
  private record TimingOutPublisher(TargetPublisher real, AtomicInteger failures) implements TargetPublisher {
    @Override
    public void publish(TargetSpec spec) {
      real.publish(spec);
      if (failures.getAndDecrement() > 0) {
        throw new UnavailableException("Kafka", "Kafka is unavailable (test)", new IllegalStateException("timeout"));
      }
    }

    @Override
    public void delete(String id) {
      real.delete(id);
    }

    @Override
    public void close() {}
  }

  private static List<ConsumerRecord<String, byte[]>> records(EmbeddedKafka kafka, String topic) {
    return WebFixture.records(kafka.kafkaConfig(), topic);
  }
}
