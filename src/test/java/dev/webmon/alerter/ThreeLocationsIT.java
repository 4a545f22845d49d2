package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.webmon.event.CheckResult;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentEvent.Kind;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Outcome;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three real locations: three {@code webmon agent} processes (locations a, b and c) check one
 * target on a local server that fails for some locations only (each agent's User-Agent names its
 * location, set with {@code --check-user-agent}), and a {@code webmon alerter} process decides.
 * Failing from one location opens nothing; failing from two opens one incident naming both;
 * recovery resolves it.
 */
@ExtendWith(KafkaExtension.class)
class ThreeLocationsIT {
  private static final List<String> LOCATIONS = List.of("a", "b", "c");
  private static final String AGENT = "webmon-it location=";

  @Test
  void oneFailingLocationOpensNothingTwoOpenOneIncidentNamingBothRecoveryResolvesIt(EmbeddedKafka broker) throws Exception {
    Set<String> failing = ConcurrentHashMap.newKeySet();
    HttpServer site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    site.createContext(
        "/",
        ex -> {
          String agent = String.valueOf(ex.getRequestHeaders().getFirst("User-Agent"));
          boolean fail = agent.startsWith(AGENT) && failing.contains(agent.substring(AGENT.length()));
          byte[] body = (fail ? "down from here" : "ok").getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(fail ? 503 : 200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    site.start();
    int port = site.getAddress().getPort();
    List<JarProcess> processes = new ArrayList<>();
    try (AlerterFixture f = new AlerterFixture(broker, 3);
        ResultsSeen results = new ResultsSeen(f)) {
      TargetSpec target =
          TargetSpec.builder("site", URI.create("http://127.0.0.1:" + port + "/"))
              .version(1)
              .name("Local site")
              .interval(Duration.ofSeconds(10))
              .timeout(Duration.ofSeconds(2))
              .updatedAt(Instant.now())
              .build();
      f.publish(target);
      processes.add(f.startAlerter("three-alerter.log"));
      for (String location : LOCATIONS) {
        processes.add(
            JarProcess.start(
                f.logs.resolve("agent-" + location + ".log"),
                List.of(
                    "agent",
                    "--location", location,
                    "--agent-id", "agent-" + location,
                    "--agent-metrics-port", "-1",
                    "--check-user-agent", AGENT + location,
                    "--check-allowed-networks", "127.0.0.1/32:" + port,
                    "--kafka-bootstrap-servers", f.kafka.bootstrapServers(),
                    "--topics-prefix", f.topics.prefix())));
      }

      // Every location reports the site up (so each counts in the quorum of 2 of 3).
      Instant start = Instant.now();
      await("two passes from every location")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            alive(processes);
            return LOCATIONS.stream().allMatch(l -> results.count(l, Outcome.UP, start) >= 2);
          });

      // One location fails: it is DOWN (three failures), the others up; nothing opens.
      failing.add("a");
      Instant oneFails = Instant.now();
      await("three failures from a, passes from b and c")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            alive(processes);
            return results.count("a", Outcome.DOWN, oneFails) >= 3
                && results.count("b", Outcome.UP, oneFails) >= 2
                && results.count("c", Outcome.UP, oneFails) >= 2;
          });
      f.awaitCaughtUp(Duration.ofSeconds(30));
      assertThat(f.incidents()).as("one failing location of three opens nothing").isEmpty();

      // A second location fails: one incident, naming both.
      failing.add("b");
      List<IncidentEvent> opened =
          await("OPENED")
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(500))
              .until(() -> {
                alive(processes);
                return f.incidents(Kind.OPENED);
              }, l -> !l.isEmpty());
      IncidentEvent incident = opened.getFirst();
      assertThat(opened).hasSize(1);
      assertThat(incident.targetId()).isEqualTo("site");
      assertThat(incident.quorum()).isEqualTo(2);
      assertThat(incident.reporting()).isEqualTo(3);
      Map<String, LocationStatus.State> states =
          incident.locations().stream().collect(Collectors.toMap(LocationStatus::location, LocationStatus::state));
      assertThat(states).containsEntry("a", LocationStatus.State.DOWN).containsEntry("b", LocationStatus.State.DOWN);
      assertThat(states.get("c")).isNotEqualTo(LocationStatus.State.DOWN);

      // Recovery resolves it.
      failing.clear();
      await("RESOLVED")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> {
            alive(processes);
            return !f.incidents(Kind.RESOLVED).isEmpty();
          });
      f.awaitCaughtUp(Duration.ofSeconds(30));
      List<IncidentEvent> all = f.incidents();
      assertThat(all.getFirst().kind()).isEqualTo(Kind.OPENED);
      assertThat(all.getLast().kind()).isEqualTo(Kind.RESOLVED);
      assertThat(all).allSatisfy(e -> assertThat(e.incidentId()).isEqualTo(incident.incidentId()));
      assertThat(all).filteredOn(e -> e.kind() == Kind.OPENED || e.kind() == Kind.RESOLVED).hasSize(2);
    } finally {
      processes.forEach(JarProcess::close);
      site.stop(0);
    }
  }

  private static void alive(List<JarProcess> processes) {
    for (JarProcess p : processes) {
      assertThat(p.isAlive()).as("a child process exited:%n%s", p.log()).isTrue();
    }
  }

  /** The results topic as read so far (read_committed), polled on demand. */
  private static final class ResultsSeen implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<CheckResult> seen = new ArrayList<>();

    ResultsSeen(AlerterFixture f) {
      Map<String, Object> p = new HashMap<>(f.kafka.clientProperties());
      p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      this.consumer = new KafkaConsumer<>(p);
      List<TopicPartition> parts =
          consumer.partitionsFor(f.topics.results()).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    /** Results from {@code location} with {@code outcome} that started after {@code since}. */
    long count(String location, Outcome outcome, Instant since) {
      consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(AlerterFixture.CODEC.decodeResult(r.value())));
      return seen.stream()
          .filter(r -> r.location().equals(location) && r.outcome() == outcome && r.startedAt().isAfter(since))
          .count();
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
