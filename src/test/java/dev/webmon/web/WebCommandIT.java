package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.ops.OpsEndpoints;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar webmon.jar init} then {@code web} as an operator runs them; SIGTERM stops it. */
@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class WebCommandIT {
  private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/)");

  @TempDir Path workDir;

  @Test
  void theJarServesTheApiAndStopsOnSigterm(EmbeddedKafka kafka, TestDatabase db) throws Exception {
    String prefix = KafkaExtension.uniqueTopic("webjar");
    String dbPassword = db.config().password().reveal();
    Map<String, String> env =
        Map.of(
            "WEBMON_POSTGRES_PASSWORD", dbPassword,
            "WEBMON_WEB_ADMIN_PASSWORD", WebFixture.PASSWORD,
            "WEBMON_WEB_API_TOKEN", WebFixture.TOKEN);
    List<String> common =
        List.of(
            "--kafka-bootstrap-servers", kafka.bootstrapServers(),
            "--topics-prefix", prefix,
            "--topics-partitions", "3",
            "--postgres-url", db.jdbcUrl(),
            "--postgres-user", db.config().user(),
            "--postgres-sslmode", "disable");
    List<String> init = new ArrayList<>(List.of("init"));
    init.addAll(common);
    Process initProcess = start(init, env);
    assertThat(initProcess.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(initProcess.exitValue()).isZero();

    List<String> web =
        new ArrayList<>(
            List.of(
                "web", "--web-port", "0", "--web-bind-address", "127.0.0.1", "--web-metrics-port", "0",
                "--web-metrics-host", "127.0.0.1"));
    web.addAll(common);
    Process p = start(web, env);
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          output.add(line);
        }
      } catch (java.io.IOException e) {
        output.add("(output closed: " + e + ")");
      }
    });
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> output.stream().anyMatch(l -> LISTENING.matcher(l).find()) || !p.isAlive());
      String line = output.stream().filter(l -> LISTENING.matcher(l).find()).findFirst().orElseThrow(() -> new AssertionError(String.join("\n", output)));
      Matcher m = LISTENING.matcher(line);
      assertThat(m.find()).isTrue();
      WebFixture.Client api = new WebFixture.Client(m.group(1).replaceAll("/$", ""));
      WebFixture.Response created = api.post("/api/v1/targets", "{\"name\":\"from the jar\",\"url\":\"https://jar.example.com/\"}");
      assertThat(created.status()).as(created.body()).isEqualTo(201);
      assertThat(api.get("/api/v1/targets").json().get("total").asLong()).isEqualTo(1);
      assertThat(api.send("GET", "/api/v1/targets", Optional.empty(), Optional.empty(), "").status()).isEqualTo(401);
      // The address policy is the agents': loopback is refused unless allow-listed.
      WebFixture.Response loopback = api.post("/api/v1/targets", "{\"url\":\"http://127.0.0.1:9/\"}");
      assertThat(loopback.status()).isEqualTo(400);
      assertThat(loopback.body()).contains("check.allowed-networks");
      // The default alert policy, seeded by init's migration, is in the topic init created once the web runs.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> WebFixture.records(kafka.kafkaConfig(), prefix + ".alert-policies").stream().anyMatch(r -> r.key().equals("default")));

      // The operations endpoint: what a load balancer and Prometheus ask.
      String ops = OpsEndpoints.loggedUrl(String.join("\n", output)).orElseThrow(() -> new AssertionError(String.join("\n", output)));
      OpsEndpoints.Answers answers = OpsEndpoints.assertServes(ops, "web", Duration.ofSeconds(30));
      assertThat(answers.ready().get("checks").findValuesAsText("name")).containsExactly("postgres", "kafka");
      assertThat(answers.metrics())
          .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/targets\",status=\"201\"} 1")
          .contains("http_server_requests_seconds_count{method=\"GET\",route=\"/api/v1/targets\",status=\"401\"} 1")
          .contains("hikaricp_connections_active{pool=\"webmon-web\"}");
    } finally {
      p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly();
      }
      assertThat(exited).as("stopped within 30 s of SIGTERM").isTrue();
    }
    reader.join(Duration.ofSeconds(10));
    String all = String.join("\n", output);
    assertThat(output).as(all).anyMatch(l -> l.contains("webmon web: stopping"));
    assertThat(all).doesNotContain(WebFixture.PASSWORD).doesNotContain(WebFixture.TOKEN).doesNotContain(dbPassword);
  }

  private Process start(List<String> args, Map<String, String> env) throws java.io.IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(System.getProperty("webmon.jar", "target/webmon.jar"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return p;
  }
}
