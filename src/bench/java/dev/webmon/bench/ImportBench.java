package dev.webmon.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.agent.Agent;
import dev.webmon.agent.AgentConfig;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
import dev.webmon.check.HttpChecker;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.init.Initializer;
import dev.webmon.sink.Sink;
import dev.webmon.sink.SinkConfig;
import dev.webmon.store.Database;
import dev.webmon.web.KafkaTargetPublisher;
import dev.webmon.web.WebApp;
import dev.webmon.web.WebConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code webmon bench import}: the whole monitor in one process as {@code webmon standalone} runs
 * it (embedded broker and PostgreSQL, init, sink, one agent, the web app), then one {@code POST
 * /api/v1/targets/import} of N new targets (JSON, every URL on a local page server), timed from
 * request to response; then the same import again (all unchanged), and the time until the agent
 * holds every target. Goal: 100 000 targets in &lt; 60 s. Not thread-safe; one run at a time.
 */
public final class ImportBench {
  /** Goal for importing 100 000 targets, seconds. */
  public static final double GOAL_SECONDS = 60;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param targets how many targets the import holds
   * @param intervalSeconds the interval of every target (the agent checks them all, spread over it)
   */
  public record Options(int targets, int intervalSeconds) {
    public Options {
      if (targets < 1 || targets > 100_000) {
        throw new IllegalArgumentException("--targets must be from 1 to 100000");
      }
      if (intervalSeconds < 10 || intervalSeconds > 86_400) {
        throw new IllegalArgumentException("--interval must be from 10 to 86400 seconds");
      }
    }
  }

  /** The figures of one run. */
  public record Result(
      int targets, int bodyBytes, double importSeconds, double reimportSeconds, double agentLoadedSeconds, String loadAverage) {
    public double targetsPerSecond() {
      return targets / importSeconds;
    }

    public String json() {
      return JsonLine.bench("import")
          .put("targets", targets)
          .put("bodyBytes", bodyBytes)
          .put("importSeconds", importSeconds, 2)
          .put("targetsPerSecond", targetsPerSecond(), 0)
          .put("reimportSeconds", reimportSeconds, 2)
          .put("agentLoadedSeconds", agentLoadedSeconds, 2)
          .put("goalSeconds", GOAL_SECONDS, 0)
          .put("loadAverage", loadAverage)
          .toString();
    }
  }

  private ImportBench() {}

  public static Result run(Options o, PrintWriter out) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("webmon-import-bench");
    String token = "bench-" + UUID.randomUUID();
    try (BenchServer site = BenchServer.start(2);
        EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(dir.resolve("pg")).workingDir(dir.resolve("pg-bin")).start();
        EmbeddedKafka broker = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).start()) {
      Settings settings =
          Settings.of(
              Map.of(
                  "postgres.url", pg.jdbcUrl(),
                  "postgres.user", pg.user(),
                  "postgres.password", pg.password().reveal(),
                  "postgres.sslmode", "DISABLE",
                  "kafka.bootstrap-servers", broker.bootstrapServers(),
                  "check.allowed-networks", "127.0.0.1/32",
                  "agent.location", "bench",
                  "agent.metrics-port", "-1",
                  "sink.metrics-port", "-1",
                  "web.port", "0"))
              .withOverrides(Map.of("web.api-token", token, "web.admin-password", UUID.randomUUID().toString()));
      KafkaConfig kafka = KafkaConfig.from(settings);
      TopicsConfig topics = TopicsConfig.from(settings);
      PostgresConfig postgres = PostgresConfig.from(settings);
      new Initializer(kafka, topics, postgres).run();
      CheckConfig checks = CheckConfig.from(settings);
      AgentConfig agentConfig = AgentConfig.from(settings);
      WebConfig webConfig = WebConfig.from(settings);
      try (Sink sink = Sink.builder(kafka, topics, postgres, SinkConfig.from(settings)).start();
          Agent agent =
              Agent.start(
                  kafka,
                  topics,
                  agentConfig,
                  new HttpChecker(checks, agentConfig.location(), agentConfig.agentId()),
                  InstantSource.system(),
                  new SimpleMeterRegistry());
          HikariDataSource pool = Database.pool(postgres, "web");
          KafkaTargetPublisher publisher = KafkaTargetPublisher.create(kafka, topics.targets(), webConfig.publishTimeout());
          WebApp web =
              WebApp.create(
                      webConfig, pool, publisher, publisher.policies(topics.alertPolicies()), AddressPolicy.fromConfig(checks),
                      Clock.systemUTC())
                  .start()) {
        StringBuilder body = new StringBuilder("{\"targets\":[");
        for (int i = 0; i < o.targets(); i++) {
          body.append(i == 0 ? "" : ",")
              .append("{\"url\":\"")
              .append(site.url().resolve("/t/" + i))
              .append("\",\"intervalSeconds\":")
              .append(o.intervalSeconds())
              .append('}');
        }
        String json = body.append("]}").toString();
        out.printf("standalone running; importing %d targets (%d bytes of JSON) ...%n", o.targets(), json.length());
        out.flush();
        URI uri = URI.create("http://127.0.0.1:" + web.port() + "/api/v1/targets/import");
        HttpClient http = HttpClient.newHttpClient();
        long loadStart = System.nanoTime();
        double importSeconds = post(http, uri, token, json, "created", o.targets());
        out.printf("import: %.2f s (%.0f targets/s)%n", importSeconds, o.targets() / importSeconds);
        double reimportSeconds = post(http, uri, token, json, "unchanged", o.targets());
        out.printf("the same import again (all unchanged): %.2f s%n", reimportSeconds);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (agent.targetCount() < o.targets() && System.nanoTime() < deadline) {
          Thread.sleep(100); // a bench polling a figure, not a test synchronising
        }
        double agentSeconds = (System.nanoTime() - loadStart) / 1e9;
        out.printf("agent holds %d targets %.2f s after the import started%n", agent.targetCount(), agentSeconds);
        if (sink.failure().isPresent()) {
          throw new WebmonException("the sink stopped during the import: " + sink.failure().get());
        }
        return new Result(o.targets(), json.length(), importSeconds, reimportSeconds, agentSeconds, WebBench.loadAverage());
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double post(HttpClient http, URI uri, String token, String json, String field, int expected)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(30))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    double seconds = (System.nanoTime() - start) / 1e9;
    if (r.statusCode() != 200) {
      throw new WebmonException("import answered " + r.statusCode() + ": " + r.body().substring(0, Math.min(500, r.body().length())));
    }
    JsonNode answer = JSON.readTree(r.body());
    if (answer.path(field).asLong() != expected) {
      throw new WebmonException("import " + field + " " + answer.path(field).asLong() + " targets, expected " + expected);
    }
    return seconds;
  }
}
