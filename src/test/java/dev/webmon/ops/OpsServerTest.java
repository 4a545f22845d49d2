package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {
  record Figures(int partitions, Instant since) {}

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicReference<Health> health = new AtomicReference<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private OpsServer server;

  @BeforeEach
  void start() {
    Counter.builder("webmon.test.things").description("Things").tag("kind", "a").register(registry).increment(3);
    Timer.builder("webmon.test.work").description("Work").register(registry).record(Duration.ofMillis(5));
    server = OpsServer.start("Test", "127.0.0.1", 0, registry, health::get);
  }

  @AfterEach
  void stop() {
    server.close();
    http.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, HttpRequest.BodyPublishers.noBody()).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndReadyAnswerTheTypedReportWithTheirOwnVerdict() throws Exception {
    Instant since = Instant.parse("2026-01-02T03:04:05Z");
    health.set(Health.of("test", true, List.of(Check.ok("db", "fine"), Check.failed("kafka", "down")), new Figures(3, since)));

    HttpResponse<String> live = get("/health");
    HttpResponse<String> ready = get("/ready");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo(live.body());
    assertThat(live.headers().firstValue("Content-Type")).hasValue("application/json");

    JsonNode json = new ObjectMapper().readTree(live.body());
    assertThat(json.get("component").asText()).isEqualTo("test");
    assertThat(json.get("status").asText()).isEqualTo("UP");
    assertThat(json.get("ready").asBoolean()).isFalse();
    assertThat(json.get("checks")).hasSize(2);
    assertThat(json.get("checks").get(1).get("name").asText()).isEqualTo("kafka");
    assertThat(json.get("checks").get(1).get("ok").asBoolean()).isFalse();
    assertThat(json.get("checks").get(1).get("detail").asText()).isEqualTo("down");
    assertThat(json.get("details").get("partitions").asInt()).isEqualTo(3);
    assertThat(json.get("details").get("since").asText()).isEqualTo("2026-01-02T03:04:05Z");

    health.set(Health.of("test", true, List.of(Check.ok("db", "fine")), new Figures(3, since)));
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    health.set(Health.of("test", false, List.of(Check.ok("db", "fine")), new Figures(3, since)));
    assertThat(get("/health").statusCode()).isEqualTo(503);
    assertThat(get("/ready").statusCode()).isEqualTo(503);
    assertThat(get("/health").body()).contains("\"status\":\"DOWN\"", "\"ready\":false");
  }

  @Test
  void metricsAreValidPrometheusText() throws Exception {
    HttpResponse<String> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(metrics.body()).contains("webmon_test_things_total{kind=\"a\"} 3.0", "webmon_test_work_seconds_count 1");
    Promtool.assertValid(metrics.body());
  }

  @Test
  void severalRegistriesAreServedAsOneScrape() throws Exception {
    PrometheusMeterRegistry other = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Counter.builder("webmon.other.things").description("Other things").register(other).increment();
    try (OpsServer both = OpsServer.start("Both", "127.0.0.1", 0, List.of(registry, other), health::get)) {
      String text =
          http.send(HttpRequest.newBuilder(URI.create(both.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(text).contains("webmon_test_things_total", "webmon_other_things_total");
      Promtool.assertValid(text);
    }
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    health.set(Health.of("test", true, List.of(), new Figures(0, Instant.EPOCH)));
    assertThat(get("/healthz").statusCode()).isEqualTo(404);
    assertThat(get("/").statusCode()).isEqualTo(404);
    HttpResponse<String> post = send("POST", "/health");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> head = send("HEAD", "/ready");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aFailingProbeIsAnErrorNotAHang() throws Exception {
    try (OpsServer broken =
        OpsServer.start(
            "Broken",
            "127.0.0.1",
            0,
            registry,
            () -> {
              throw new IllegalStateException("boom");
            })) {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(URI.create(broken.url() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(500);
    }
  }

  @Test
  void aCombinedReportListsEachComponentAndIsReadyOnlyWhenAllAre() {
    Health a = Health.of("agent", true, List.of(Check.ok("assignment", "3")), new Figures(3, Instant.EPOCH));
    Health s = Health.of("sink", true, List.of(Check.failed("postgres", "down")), new Figures(0, Instant.EPOCH));
    Health both = Health.combined("standalone", List.of(a, s));
    assertThat(both.status()).isEqualTo(Health.Status.UP);
    assertThat(both.ready()).isFalse();
    assertThat(both.checks()).extracting(Check::name).containsExactly("agent/assignment", "sink/postgres");
    assertThat(OpsServer.json(both)).contains("\"components\":[{\"component\":\"agent\"");
    assertThat(Health.combined("standalone", List.of(a)).ready()).isTrue();
  }
}
