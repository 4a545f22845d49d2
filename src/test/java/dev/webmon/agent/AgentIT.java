package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Outcome;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.ops.Health;
import dev.webmon.ops.OpsServer;
import dev.webmon.ops.Promtool;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** One agent against a real broker and a real local HTTP server. */
@ExtendWith(KafkaExtension.class)
class AgentIT {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  @Test
  void addChangeAndDeleteThroughTheTopicTakeEffectWithinSeconds(EmbeddedKafka broker) throws Exception {
    try (AgentFixture f = new AgentFixture(broker)) {
      // A target that exists before the agent starts, and a poison record next to it.
      f.put(f.target("existing", 1, INTERVAL));
      f.send("existing", "{\"v\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8));
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Agent agent = f.startAgent("it", "agent-1", Map.of(), registry);
      await().atMost(Duration.ofSeconds(20)).until(() -> !f.results(r -> r.targetId().equals("existing")).isEmpty());
      CheckResult first = f.results(r -> r.targetId().equals("existing")).get(0);
      assertThat(first.outcome()).isEqualTo(Outcome.UP);
      assertThat(first.location()).isEqualTo("it");
      assertThat(first.agentId()).isEqualTo("agent-1");
      assertThat(agent.metrics().invalidTargetRecordCount()).isEqualTo(1);

      // Add: checked at once.
      Instant added = Instant.now();
      f.put(f.target("t1", 1, INTERVAL));
      await().atMost(Duration.ofSeconds(5)).until(() -> !f.results(r -> r.targetId().equals("t1")).isEmpty());
      CheckResult r1 = f.results(r -> r.targetId().equals("t1")).get(0);
      assertThat(Duration.between(added, r1.scheduledAt())).isLessThan(Duration.ofSeconds(3));

      // Change (higher version, new URL): checked at once with the new version.
      Instant changed = Instant.now();
      f.put(f.target("t1", 2, INTERVAL));
      await().atMost(Duration.ofSeconds(5)).until(() -> !f.results(r -> r.targetId().equals("t1") && r.targetVersion() == 2).isEmpty());
      CheckResult r2 = f.results(r -> r.targetId().equals("t1") && r.targetVersion() == 2).get(0);
      assertThat(r2.url().getPath()).isEqualTo("/t1/v2");
      assertThat(Duration.between(changed, r2.scheduledAt())).isLessThan(Duration.ofSeconds(3));

      // Delete: no check of t1 is scheduled after the tombstone arrived, for longer than an interval.
      f.delete("t1");
      await().atMost(Duration.ofSeconds(5)).until(() -> agent.targetCount() == 1);
      Instant deleted = Instant.now();
      await()
          .during(INTERVAL.plusSeconds(1))
          .atMost(INTERVAL.plusSeconds(5))
          .until(() -> f.results(r -> r.targetId().equals("t1") && r.scheduledAt().isAfter(deleted)).isEmpty());
      // Meanwhile the existing target kept its rhythm: consecutive slots exactly one interval apart.
      var existing = f.results(r -> r.targetId().equals("existing")).stream().skip(1).map(CheckResult::scheduledAt).toList();
      assertThat(existing).hasSizeGreaterThanOrEqualTo(1);
      for (int i = 1; i < existing.size(); i++) {
        assertThat(Duration.between(existing.get(i - 1), existing.get(i))).isEqualTo(INTERVAL);
      }

      // Metrics and health endpoint, as webmon agent serves them.
      try (OpsServer ops = OpsServer.start("Agent", "127.0.0.1", 0, registry, agent::health)) {
        assertOpsEndpoint(ops.port());
      }
      agent.close();
      assertThat(agent.health().status()).isEqualTo(Health.Status.DOWN);
      assertThat(agent.health().ready()).isFalse();
    }
  }

  private static void assertOpsEndpoint(int port) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> metrics =
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.body())
          .contains("webmon_agent_checks_total{agent=\"agent-1\",location=\"it\",outcome=\"UP\",reason=\"NONE\"}")
          .contains("webmon_agent_check_lateness_seconds_bucket")
          .contains("webmon_agent_checks_in_flight")
          .contains("webmon_agent_publish_errors_total")
          .contains("webmon_agent_assigned_partitions{agent=\"agent-1\",location=\"it\"} 12")
          .contains("webmon_agent_invalid_target_records_total");
      Promtool.assertValid(metrics.body());
      HttpResponse<String> health =
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"assignedPartitions\":12").contains("\"targets\":1");
      HttpResponse<String> ready =
          client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
      assertThat(ready.body())
          .contains("\"component\":\"agent\"", "\"ready\":true", "\"name\":\"assignment\",\"ok\":true")
          .contains("\"name\":\"scheduler\",\"ok\":true")
          .contains("\"location\":\"it\"", "\"agentId\":\"agent-1\"");
    }
  }

  @Test
  void theKip848ConsumerProtocolWorksToo(EmbeddedKafka broker) throws Exception {
    try (AgentFixture f = new AgentFixture(broker)) {
      f.put(f.target("k1", 1, INTERVAL));
      Agent agent =
          f.startAgent(AgentFixture.uniqueLocation("kip848"), "agent-848", Map.of(AgentConfig.GROUP_PROTOCOL.name(), "CONSUMER"));
      await().atMost(Duration.ofSeconds(30)).until(() -> agent.assignedPartitions() == AgentFixture.PARTITIONS);
      await().atMost(Duration.ofSeconds(10)).until(() -> !f.results(r -> r.agentId().equals("agent-848")).isEmpty());
      f.put(f.target("k2", 1, INTERVAL));
      await().atMost(Duration.ofSeconds(10)).until(() -> !f.results(r -> r.targetId().equals("k2")).isEmpty());
    }
  }
}
