package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.EventCodec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.store.UnavailableException;
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
 * The version lease of alert policies: a failed publish frees the policy and burns its version,
 * and concurrent edits through two web instances never fork versions.
 */
@ExtendWith({KafkaExtension.class, ContextResolver.class})
class PolicyWriteIT {
  private final EventCodec codec = new EventCodec();

  /** Publishes for real, then reports a timeout while {@code failures} is positive. */
  private record TimingOutPublisher(PolicyPublisher real, AtomicInteger failures) implements PolicyPublisher {
    @Override
    public void publish(AlertPolicySpec spec) {
      real.publish(spec);
      if (failures.getAndDecrement() > 0) {
        throw new UnavailableException("Kafka", "Kafka is unavailable (test)", new IllegalStateException("timeout"));
      }
    }

    @Override
    public void delete(String name) {
      real.delete(name);
    }
  }

  @Test
  void aFailedPublishFreesThePolicyAndItsVersionIsNeverReused(ExtensionContext context, EmbeddedKafka kafka) throws Exception {
    String targets = KafkaExtension.uniqueTopic("targets");
    String policies = KafkaExtension.uniqueTopic("alert-policies");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), targets);
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), policies, 1);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    AtomicInteger failures = new AtomicInteger();
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "policylease");
        KafkaTargetPublisher real = KafkaTargetPublisher.create(kafka.kafkaConfig(), targets, config.publishTimeout());
        WebApp app =
            WebApp.create(
                    config, db, real, new TimingOutPublisher(real.policies(policies), failures), AddressPolicy.allowingAll(),
                    Clock.systemUTC())
                .start()) {
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());
      await().atMost(Duration.ofSeconds(30)).until(() -> versions(kafka, policies, "default").contains(1L));

      // A create whose acknowledgement "times out": 503, nothing visible; the name stays free.
      failures.set(1);
      WebFixture.Response lostCreate = api.post("/api/v1/alert-policies", "{\"name\":\"leased\",\"quorum\":2}");
      assertThat(lostCreate.status()).as(lostCreate.body()).isEqualTo(503);
      assertThat(api.get("/api/v1/alert-policies/leased").status()).isEqualTo(404);
      WebFixture.Response created = api.post("/api/v1/alert-policies", "{\"name\":\"leased\",\"quorum\":2}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(created.json().get("version").asLong()).isEqualTo(2);

      // An update whose acknowledgement "times out": 503, the policy is free at once, its version burnt.
      failures.set(1);
      WebFixture.Response lost = api.put("/api/v1/alert-policies/leased", "{\"quorum\":3}");
      assertThat(lost.status()).as(lost.body()).isEqualTo(503);
      assertThat(api.get("/api/v1/alert-policies/leased").json().get("version").asLong()).isEqualTo(2);
      WebFixture.Response next = api.put("/api/v1/alert-policies/leased", "{\"quorum\":4}");
      assertThat(next.status()).as(next.body()).isEqualTo(200);
      assertThat(next.json().get("version").asLong()).isEqualTo(4);
      assertThat(versions(kafka, policies, "leased")).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void concurrentEditsThroughTwoInstancesNeverForkVersions(ExtensionContext context, EmbeddedKafka kafka) throws Exception {
    String targets = KafkaExtension.uniqueTopic("targets");
    String policies = KafkaExtension.uniqueTopic("alert-policies");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), targets);
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), policies, 1);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "policyfork");
        KafkaTargetPublisher p1 = KafkaTargetPublisher.create(kafka.kafkaConfig(), targets, config.publishTimeout());
        KafkaTargetPublisher p2 = KafkaTargetPublisher.create(kafka.kafkaConfig(), targets, config.publishTimeout());
        WebApp a = WebApp.create(config, db, p1, p1.policies(policies), AddressPolicy.allowingAll(), Clock.systemUTC()).start();
        WebApp b = WebApp.create(config, db, p2, p2.policies(policies), AddressPolicy.allowingAll(), Clock.systemUTC()).start();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      WebFixture.Client ca = new WebFixture.Client("http://127.0.0.1:" + a.port());
      WebFixture.Client cb = new WebFixture.Client("http://127.0.0.1:" + b.port());
      // Both instances started on an unpublished default: it is published once.
      await().atMost(Duration.ofSeconds(30)).until(() -> versions(kafka, policies, "default").contains(1L));
      assertThat(versions(kafka, policies, "default")).containsExactly(1L);
      assertThat(ca.post("/api/v1/alert-policies", "{\"name\":\"shared\"}").status()).isEqualTo(201);
      int edits = 24;
      CountDownLatch go = new CountDownLatch(1);
      List<Future<WebFixture.Response>> results = new ArrayList<>();
      for (int i = 0; i < edits; i++) {
        WebFixture.Client c = i % 2 == 0 ? ca : cb;
        String body = "{\"failureThreshold\":" + (i + 1) + "}";
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return c.put("/api/v1/alert-policies/shared", body);
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
        }
      }
      assertThat(ok).isPositive();
      Map<Long, Integer> byVersion = new HashMap<>();
      long max = 0;
      for (ConsumerRecord<String, byte[]> r : WebFixture.records(kafka.kafkaConfig(), policies)) {
        if (!r.key().equals("shared")) {
          continue;
        }
        AlertPolicySpec spec = codec.decodePolicy(r.value());
        Integer earlier = byVersion.put(spec.version(), spec.fields().failureThreshold().orElse(0));
        assertThat(earlier).as("two records with version %d", spec.version()).isNull();
        max = Math.max(max, spec.version());
      }
      assertThat(byVersion).hasSize(ok + 1);
      WebFixture.Response stored = ca.get("/api/v1/alert-policies/shared");
      assertThat(stored.json().get("version").asLong()).isEqualTo(max);
      assertThat(stored.json().get("failureThreshold").asInt()).isEqualTo(byVersion.get(max));
    }
  }

  private List<Long> versions(EmbeddedKafka kafka, String topic, String name) {
    return WebFixture.records(kafka.kafkaConfig(), topic).stream()
        .filter(r -> r.key().equals(name) && r.value() != null)
        .map(r -> codec.decodePolicy(r.value()).version())
        .toList();
  }
}
