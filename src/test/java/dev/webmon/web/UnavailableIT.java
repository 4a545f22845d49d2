package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.KafkaConfig;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import dev.webmon.store.Targets;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Kafka or PostgreSQL unreachable: writes answer 503 within the publish timeout with a clear
 * message, and nothing is half-written.
 */
@ExtendWith({KafkaExtension.class, ContextResolver.class})
class UnavailableIT {

  private static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort(); // closed again: nothing listens there
    }
  }

  @Test
  void kafkaDownGives503AndNothingInPostgres(ExtensionContext context) throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false).withPublishTimeout(timeout);
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "kafkadown");
        KafkaTargetPublisher publisher =
            KafkaTargetPublisher.create(KafkaConfig.plaintext("127.0.0.1:" + deadPort()), "webmon.targets", timeout);
        WebApp app =
            WebApp.create(config, db, publisher, publisher.policies("webmon.alert-policies"), AddressPolicy.allowingAll(), Clock.systemUTC())
                .start()) {
      TargetSpec existing =
          TargetSpec.builder("existing1", "https://example.com/").name("Existing").updatedAt(Instant.parse("2026-01-01T00:00:00Z")).build();
      try (Connection c = db.getConnection()) {
        new Targets().upsert(c, existing);
      }
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());

      long start = System.nanoTime();
      WebFixture.Response created = api.post("/api/v1/targets", "{\"url\":\"https://new.example.com/\"}");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(created.status()).as(created.body()).isEqualTo(503);
      assertThat(created.json().get("message").asText()).contains("Kafka is unavailable").contains("not saved");
      assertThat(created.header("Retry-After")).contains("5");
      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(count(db, "SELECT count(*) FROM target")).isEqualTo(1);

      WebFixture.Response updated = api.put("/api/v1/targets/existing1", "{\"url\":\"https://changed.example.com/\"}");
      assertThat(updated.status()).isEqualTo(503);
      WebFixture.Response deleted = api.delete("/api/v1/targets/existing1");
      assertThat(deleted.status()).isEqualTo(503);
      WebFixture.Response still = api.get("/api/v1/targets/existing1");
      assertThat(still.status()).isEqualTo(200);
      assertThat(still.json().get("url").asText()).isEqualTo("https://example.com/");
      assertThat(still.json().get("version").asLong()).isEqualTo(1);

      // An alert policy write is refused the same way: nothing stored (a create's lease row stays invisible).
      WebFixture.Response policy = api.post("/api/v1/alert-policies", "{\"name\":\"while-down\",\"quorum\":2}");
      assertThat(policy.status()).as(policy.body()).isEqualTo(503);
      assertThat(policy.json().get("message").asText()).contains("Kafka is unavailable");
      assertThat(api.get("/api/v1/alert-policies/while-down").status()).isEqualTo(404);
      assertThat(count(db, "SELECT count(*) FROM alert_policy WHERE version > 0")).isEqualTo(1);
      // The seeded default is still waiting to be published.
      assertThat(count(db, "SELECT count(*) FROM alert_policy WHERE NOT published AND version > 0")).isEqualTo(1);

      // The same through the form: the page says so, the input is kept, nothing is stored.
      UiClient ui = new UiClient("http://127.0.0.1:" + app.port());
      ui.login(WebFixture.PASSWORD);
      String csrf = UiClient.csrf(ui.get("/targets/new").body());
      Map<String, String> form = new LinkedHashMap<>();
      form.put("_csrf", csrf);
      form.put("url", "https://form.example.com/");
      form.put("intervalPreset", "60");
      HttpResponse<String> page = ui.post("/targets", form);
      assertThat(page.statusCode()).isEqualTo(503);
      assertThat(page.body()).contains("Kafka is unavailable").contains("value=\"https://form.example.com/\"");
      assertThat(count(db, "SELECT count(*) FROM target")).isEqualTo(1);

      // What the load balancer's readiness probe sees: alive, not ready, because of Kafka.
      Health health = new WebHealth(app, db, publisher).health();
      assertThat(health.status()).isEqualTo(Health.Status.UP);
      assertThat(health.ready()).isFalse();
      assertThat(health.checks()).extracting(Check::name, Check::ok).containsExactly(tuple("postgres", true), tuple("kafka", false));
    }
  }

  @Test
  void postgresDownGives503AndPublishesNothing(EmbeddedKafka kafka) throws Exception {
    String topic = KafkaExtension.uniqueTopic("targets");
    WebFixture.createCompactedTopic(kafka.kafkaConfig(), topic);
    HikariConfig hc = new HikariConfig();
    hc.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + deadPort() + "/webmon");
    hc.setUsername("webmon");
    hc.setConnectionTimeout(500);
    hc.setInitializationFailTimeout(-1);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false);
    try (HikariDataSource db = new HikariDataSource(hc);
        KafkaTargetPublisher publisher = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
        WebApp app = WebApp.create(config, db, publisher, WebFixture.DISCARD_POLICIES, AddressPolicy.allowingAll(), Clock.systemUTC()).start()) {
      // Not ready because of PostgreSQL, once the producer has the topic's metadata.
      WebHealth probe = new WebHealth(app, db, publisher);
      Health health = await().atMost(Duration.ofSeconds(20)).until(probe::health, h -> h.checks().get(1).ok());
      assertThat(health.ready()).isFalse();
      assertThat(health.checks().get(0).name()).isEqualTo("postgres");
      assertThat(health.checks().get(0).ok()).isFalse();
      WebFixture.Client api = new WebFixture.Client("http://127.0.0.1:" + app.port());
      WebFixture.Response created = api.post("/api/v1/targets", "{\"url\":\"https://new.example.com/\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(503);
      assertThat(created.json().get("message").asText()).contains("PostgreSQL is unavailable");
      assertThat(api.get("/api/v1/targets").status()).isEqualTo(503);
      assertThat(WebFixture.endOffset(kafka.kafkaConfig(), topic)).isZero();
    }
  }

  private static long count(HikariDataSource db, String sql) throws Exception {
    try (Connection c = db.getConnection();
        var ps = c.prepareStatement(sql);
        var rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
