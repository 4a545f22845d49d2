package dev.webmon.alerter;

import static dev.webmon.alerter.AlerterFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentEvent.Kind;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.ops.OpsEndpoints;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code webmon alerter} as an operator runs it: the packaged jar as a child process against a
 * real broker. Results of one outage produced to the results topic become exactly one OPENED and
 * one RESOLVED transition on the incidents topic (read_committed); its operations endpoint serves
 * metrics promtool accepts and health documents; SIGTERM stops it cleanly.
 */
@ExtendWith(KafkaExtension.class)
class AlerterIT {

  @Test
  void anOutageInTheResultsBecomesOneOpenedAndOneResolvedTransition(EmbeddedKafka broker) throws Exception {
    try (AlerterFixture f = new AlerterFixture(broker, 3);
        JarProcess alerter = f.startAlerter("e2e.log")) {
      TargetSpec shop = f.target("shop", URI.create("https://shop.example.com/"));
      f.publish(shop);
      String ops =
          await("alerter logs its operations endpoint")
              .atMost(Duration.ofSeconds(60))
              .until(() -> {
                assertThat(alerter.isAlive()).as("alerter exited:%n%s", alerter.log()).isTrue();
                return OpsEndpoints.loggedUrl(alerter.log());
              }, java.util.Optional::isPresent)
              .orElseThrow();
      OpsEndpoints.Answers started = OpsEndpoints.assertServes(ops, "alerter", Duration.ofSeconds(60));
      assertThat(started.ready().get("details").get("state").asText()).isEqualTo("RUNNING");
      assertThat(started.ready().get("details").get("activeTasks").asInt()).isEqualTo(3);

      // Up, up, down, down (OPENED at the second failure), down, up, up (RESOLVED at the second pass).
      Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      boolean[] script = {true, true, false, false, false, true, true};
      for (int i = 0; i < script.length; i++) {
        f.send(result(shop, "a", base.plusSeconds(10L * i), script[i]));
      }
      f.flush();

      await("RESOLVED on " + f.topics.incidents())
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> !f.incidents(Kind.RESOLVED).isEmpty());
      f.awaitCaughtUp(Duration.ofSeconds(30));
      List<IncidentEvent> events = f.incidents();
      assertThat(events).extracting(IncidentEvent::kind).containsExactly(Kind.OPENED, Kind.RESOLVED);
      IncidentEvent opened = events.get(0);
      IncidentEvent resolved = events.get(1);
      assertThat(resolved.incidentId()).isEqualTo(opened.incidentId());
      assertThat(resolved.seq()).isGreaterThan(opened.seq());
      assertThat(opened.targetId()).isEqualTo("shop");
      assertThat(opened.targetName()).isEqualTo("Target shop");
      assertThat(opened.severity()).isEqualTo(IncidentSeverity.DOWN);
      assertThat(opened.at()).isEqualTo(base.plusSeconds(30));
      assertThat(resolved.at()).isEqualTo(base.plusSeconds(60));
      assertThat(opened.locations())
          .singleElement()
          .satisfies(l -> {
            assertThat(l.location()).isEqualTo("a");
            assertThat(l.state()).isEqualTo(LocationStatus.State.DOWN);
          });

      // The meters after processing, again through promtool.
      OpsEndpoints.Answers after = OpsEndpoints.assertServes(ops, "alerter", Duration.ofSeconds(10));
      assertThat(after.metrics())
          .contains("webmon_alerter_running 1.0")
          .contains("webmon_alerter_active_tasks 3.0")
          .contains("webmon_alerter_stream_threads_replaced_total 0.0")
          .contains("kafka_stream_");

      assertThat(alerter.stop()).as("exit code after SIGTERM (143: terminated by the signal after a clean stop)").isIn(0, 143);
      assertThat(alerter.log()).contains("Alerter stopped in");
    }
  }

  @Test
  void withoutTheTopicsItExitsAtOnceSayingToRunInit(EmbeddedKafka broker) throws Exception {
    try (JarProcess alerter =
        JarProcess.start(
            java.nio.file.Path.of("target", "alerter-it", "no-topics.log"),
            List.of(
                "alerter",
                "--kafka-bootstrap-servers", broker.bootstrapServers(),
                "--topics-prefix", KafkaExtension.uniqueTopic("missing"),
                "--alerter-metrics-port", "-1"))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> !alerter.isAlive());
      assertThat(alerter.stop()).isEqualTo(1);
      assertThat(alerter.log()).contains("does not exist; run 'webmon init' first");
    }
  }
}
