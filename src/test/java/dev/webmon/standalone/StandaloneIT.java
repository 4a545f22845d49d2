package dev.webmon.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.ops.OpsEndpoints;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newcomer's first five minutes, as a user runs them: the packaged jar as a process, a target
 * added through the API, its results read back through the API, {@code kill -9}, restart, the
 * earlier results still there and new ones arriving, then a clean Ctrl-C.
 */
class StandaloneIT {
  private static final String TOKEN = "standalone-it-token-0123456789";
  private static final Pattern URL_LINE = Pattern.compile("web listening at (http://\\S+)");
  private static final Pattern OPS_LINE = Pattern.compile("metrics at (http://\\S+)/metrics");
  private static final Pattern BROKER_LINE = Pattern.compile("Kafka broker ready at (\\S+) ");
  private static final Pattern INBOX_LINE = Pattern.compile("demo inbox at (http://\\S+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  private final List<Process> processes = new ArrayList<>();
  private HttpServer site;

  @AfterEach
  void stop() {
    processes.forEach(Process::destroyForcibly);
    if (site != null) {
      site.stop(0);
    }
  }

  /** A started standalone and everything it printed. */
  record Running(Process process, String url, List<String> output) {}

  private Running startStandalone(String... extra) throws IOException {
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx768m",
            "-jar",
            System.getProperty("webmon.jar", "target/webmon.jar"),
            "standalone",
            "--data-dir", dataDir.toString(),
            "--web-port", "0",
            "--web-bind-address", "127.0.0.1",
            "--web-api-token", TOKEN,
            "--web-admin-password", "correct-horse-battery",
            "--check-allowed-networks", "127.0.0.0/8",
            "--web-metrics-host", "127.0.0.1"));
    command.addAll(List.of(extra));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    List<String> output = new CopyOnWriteArrayList<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  output.add(line);
                }
              } catch (IOException ignored) {
                // process ended
              }
            });
    String[] url = new String[1];
    await("standalone prints its web URL")
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              assertThat(p.isAlive()).as("standalone died: %s", output).isTrue();
              for (String line : output) {
                Matcher m = URL_LINE.matcher(line);
                if (m.find()) {
                  url[0] = m.group(1);
                  return true;
                }
              }
              return false;
            });
    return new Running(p, url[0], output);
  }

  private static JsonNode api(String method, String url, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(20));
    if (body != null) {
      b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s %s -> %s", method, url, r.body()).isBetween(200, 299);
      return JSON.readTree(r.body());
    }
  }

  private static Set<String> resultIds(String base, String id) throws IOException, InterruptedException {
    JsonNode page = api("GET", base + "/api/v1/targets/" + id + "/results?limit=500", null);
    Set<String> ids = new HashSet<>();
    page.get("items").forEach(item -> ids.add(item.get("resultId").asText()));
    return ids;
  }

  @Test
  void aTargetAddedThroughTheApiSurvivesKillMinusNineAndKeepsBeingChecked() throws Exception {
    site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    site.createContext(
        "/",
        ex -> {
          byte[] body = "hello from the site".getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    site.start();

    Running first = startStandalone();
    assertThat(String.join("\n", first.output()))
        .contains("PostgreSQL 18 ready")
        .contains("Kafka broker ready")
        .contains("topics and schema created")
        .contains("sink started")
        .contains("alerter started")
        .contains("agent started");
    // One operations endpoint for the process, listing each component.
    String ops =
        await("standalone prints its metrics URL")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> first.output().stream().map(OPS_LINE::matcher).filter(Matcher::find).map(m -> m.group(1)).findFirst(),
                java.util.Optional::isPresent)
            .orElseThrow();
    OpsEndpoints.Answers answers = OpsEndpoints.assertServes(ops, "standalone", Duration.ofSeconds(60));
    assertThat(answers.ready().get("details").get("components").findValuesAsText("component"))
        .containsExactly("agent", "sink", "alerter", "notifier", "web");
    assertThat(answers.metrics()).contains("webmon_agent_checks_in_flight", "webmon_sink_rows_total", "hikaricp_connections");
    // Without --demo: no demo site, no inbox, no demo channel.
    assertThat(String.join("\n", first.output())).doesNotContain("demo inbox at", "demo site on");
    assertThat(api("GET", first.url() + "/api/v1/channels", null).get("items").findValuesAsText("id")).doesNotContain("demo-inbox");

    JsonNode created =
        api(
            "POST",
            first.url() + "/api/v1/targets",
            "{\"url\":\"http://127.0.0.1:" + site.getAddress().getPort() + "/\",\"name\":\"local site\",\"intervalSeconds\":10,\"regex\":\"hello\"}");
    String id = created.get("id").asText();

    await("first results stored")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> resultIds(first.url(), id).size() >= 2);
    JsonNode latest = api("GET", first.url() + "/api/v1/targets/" + id + "/results?limit=1", null).get("items").get(0);
    assertThat(latest.get("outcome").asText()).isEqualTo("UP");
    Set<String> before = resultIds(first.url(), id);

    first.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS); // kill -9

    Running second = startStandalone();
    assertThat(String.join("\n", second.output())).contains("verified (nothing to change)");
    Set<String> afterRestart = resultIds(second.url(), id);
    assertThat(afterRestart).as("results stored before the kill are still there").containsAll(before);
    await("new results arrive after the restart")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> resultIds(second.url(), id).size() >= afterRestart.size() + 2);

    // Ctrl-C: a clean stop within seconds, leaving no broker or PostgreSQL behind.
    long pid = second.process().pid();
    List<ProcessHandle> children = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    assertThat(children).as("the embedded broker and PostgreSQL run as child processes").isNotEmpty();
    // SIGTERM through the handle: Process.destroy() would also close our end of its stdout.
    second.process().toHandle().destroy();
    assertThat(second.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    await("no child process left")
        .atMost(Duration.ofSeconds(20))
        .until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
    await("the stop is reported")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(String.join("\n", second.output())).contains("webmon: stopped"));
  }

  @Test
  void theDemoShowsAnOpenIncidentForItsFailingTargetWithinAMinuteOfStart() throws Exception {
    long launched = System.nanoTime();
    Running demo = startStandalone("--demo");
    double coldStartSeconds = (System.nanoTime() - launched) / 1e9;
    String kafka =
        demo.output().stream()
            .map(BROKER_LINE::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no broker line in " + demo.output()));
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    EventCodec codec = new EventCodec();
    List<IncidentEvent> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<TopicPartition> parts =
          consumer.partitionsFor("webmon.incidents").stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long deadline = launched + TimeUnit.SECONDS.toNanos(60);
      await("an open incident for demo-failing on webmon.incidents")
          .atMost(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))
          .pollInterval(Duration.ZERO)
          .until(() -> {
            assertThat(demo.process().isAlive()).as("standalone died: %s", demo.output()).isTrue();
            consumer.poll(Duration.ofMillis(500)).forEach(r -> seen.add(codec.decodeIncident(r.value())));
            return seen.stream().anyMatch(e -> e.targetId().equals("demo-failing") && e.kind() == IncidentEvent.Kind.OPENED);
          });
    }
    // What the user sees: the sink stored it and the API lists it as open, still within the minute.
    JsonNode open =
        await("the API lists the open incident of demo-failing")
            .atMost(Duration.ofNanos(Math.max(0, launched + TimeUnit.SECONDS.toNanos(60) - System.nanoTime())))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> api("GET", demo.url() + "/api/v1/incidents?state=open&targetId=demo-failing", null).get("items"),
                items -> items.size() > 0);
    assertThat(open.get(0).get("targetName").asText()).isEqualTo("Demo: failing backend (HTTP 503)");
    assertThat(open.get(0).get("severity").asText()).isEqualTo("down");
    double openedSeconds = (System.nanoTime() - launched) / 1e9;
    IncidentEvent opened =
        seen.stream().filter(e -> e.targetId().equals("demo-failing") && e.kind() == IncidentEvent.Kind.OPENED).findFirst().orElseThrow();
    assertThat(opened.severity()).isEqualTo(IncidentSeverity.DOWN);
    assertThat(opened.targetName()).isEqualTo("Demo: failing backend (HTTP 503)");
    assertThat(seen).filteredOn(e -> e.targetId().equals("demo-healthy")).as("the healthy demo target opens nothing").isEmpty();
    // The notifier posted the OPENED to the demo inbox (the default channel demo-inbox; group-wait
    // 10 s in demo mode), and its page shows it with the headers and a verified signature.
    String inbox =
        demo.output().stream()
            .map(INBOX_LINE::matcher)
            .filter(Matcher::find)
            .map(m -> m.group(1))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no demo inbox line in " + demo.output()));
    String inboxPage;
    try (HttpClient client = HttpClient.newHttpClient()) {
      inboxPage =
          await("the demo inbox shows the OPENED of demo-failing")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofSeconds(1))
              .until(
                  () -> client.send(HttpRequest.newBuilder(URI.create(inbox)).build(), HttpResponse.BodyHandlers.ofString()).body(),
                  page -> page.contains(opened.incidentId().toString()));
    }
    assertThat(inboxPage)
        .contains("Idempotency-Key: ", ":demo-inbox", "X-Webmon-Signature: sha256=", "Signature valid", "&quot;OPENED&quot;")
        .doesNotContain("Signature missing or not valid");
    // Its links point at this web app's real port, not at notify.web-base-url's default.
    assertThat(inboxPage).contains(demo.url() + "/incidents/" + opened.incidentId());
    double inboxSeconds = (System.nanoTime() - launched) / 1e9;
    // The demo status page (issue 14) shows the failing component in outage.
    JsonNode statusPage =
        await("/status/demo shows Payments in major outage")
            .atMost(Duration.ofSeconds(40))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> api("GET", demo.url() + "/status/demo.json", null), p -> p.at("/components/3/status").asText().equals("major_outage"));
    assertThat(statusPage.get("components")).extracting(c -> c.get("name").asText()).containsExactly("Shop", "API", "Search", "Payments");
    assertThat(statusPage.get("activePosts")).anySatisfy(p -> assertThat(p.get("title").asText()).isEqualTo("Payments failing"));
    String report =
        String.format(
            java.util.Locale.ROOT,
            "STANDALONE --demo: web listening after %.1f s; demo-failing open in /api/v1/incidents after %.1f s;"
                + " its OPENED in the demo inbox after %.1f s",
            coldStartSeconds,
            openedSeconds,
            inboxSeconds);
    System.out.println(report);
    demo.process().toHandle().destroy();
    assertThat(demo.process().waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
  }
}
