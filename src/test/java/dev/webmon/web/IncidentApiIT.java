package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.KafkaConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentCommand;
import dev.webmon.store.IncidentRows;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Incidents through the API and the UI on real PostgreSQL (incident rows written as the sink
 * writes them) and real Kafka: filters, paging, the detail with its timeline and failing results,
 * and the ack, which publishes exactly one command record (read back read_committed) or, when
 * refused, none.
 */
@ExtendWith({WebExtension.class, ContextResolver.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncidentApiIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  private static final EventCodec CODEC = new EventCodec();

  private UUID open;
  private UUID acked;
  private UUID resolved;
  private UUID other;
  private UUID cause;

  @BeforeAll
  void incidents(WebFixture web) throws SQLException {
    web.post("/api/v1/targets", "{\"url\":\"https://shop.example.com/\",\"name\":\"Shop\"}");
    String shop = web.get("/api/v1/targets").json().get("items").get(0).get("id").asText();
    Instant opened = NOW.minus(20, ChronoUnit.MINUTES);
    cause = IncidentRows.resultId(opened.minusSeconds(60));
    IncidentRows.result(web.db, shop, "eu", opened.minusSeconds(60), cause, false, "TIMEOUT");
    String locations = IncidentRows.locations("eu", "DOWN", "TIMEOUT", cause, "us", "UP", null, null);
    open = UUID.randomUUID();
    IncidentRows.incident(web.db, open, shop, "down", "open", opened, null, cause, locations);
    IncidentRows.event(web.db, open, 1, "OPENED", "down", opened, locations, null);
    IncidentRows.event(web.db, open, 2, "UPDATED", "down", opened.plusSeconds(60), locations, null);
    resolved = UUID.randomUUID();
    IncidentRows.incident(
        web.db, resolved, shop, "degraded", "resolved", NOW.minus(3, ChronoUnit.HOURS), NOW.minus(2, ChronoUnit.HOURS), UUID.randomUUID(),
        IncidentRows.locations("eu", "UP", null, null));
    acked = UUID.randomUUID();
    IncidentRows.incident(web.db, acked, "other1", "no-data", "acknowledged", NOW.minus(1, ChronoUnit.HOURS), null, UUID.randomUUID(), "[]");
    other = UUID.randomUUID();
    IncidentRows.incident(
        web.db, other, "other2", "down", "resolved", NOW.minus(5, ChronoUnit.HOURS), NOW.minus(4, ChronoUnit.HOURS), UUID.randomUUID(), "[]");
  }

  private static List<String> ids(JsonNode page) {
    List<String> ids = new ArrayList<>();
    page.get("items").forEach(i -> ids.add(i.get("id").asText()));
    return ids;
  }

  @Test
  void theListPutsActiveIncidentsFirstFiltersAndPages(WebFixture web) {
    WebFixture.Response all = web.get("/api/v1/incidents");
    assertThat(all.status()).as(all.body()).isEqualTo(200);
    assertThat(ids(all.json())).containsExactly(open.toString(), acked.toString(), resolved.toString(), other.toString());
    JsonNode first = all.json().get("items").get(0);
    assertThat(first.get("targetName").asText()).isEqualTo("Name of " + first.get("targetId").asText());
    assertThat(first.get("state").asText()).isEqualTo("open");
    assertThat(first.get("severity").asText()).isEqualTo("down");
    assertThat(first.get("cause").get("resultId").asText()).isEqualTo(cause.toString());
    assertThat(first.get("cause").get("locations")).hasSize(1);
    assertThat(first.get("cause").get("locations").get(0).get("location").asText()).isEqualTo("eu");
    assertThat(first.get("locations")).hasSize(2);
    assertThat(first.get("acknowledgedAt").isNull()).isTrue();
    assertThat(first.has("openedAt") && first.has("resolvedAt")).isTrue();

    assertThat(ids(web.get("/api/v1/incidents?state=resolved").json())).containsExactly(resolved.toString(), other.toString());
    assertThat(ids(web.get("/api/v1/incidents?state=acknowledged").json())).containsExactly(acked.toString());
    assertThat(ids(web.get("/api/v1/incidents?severity=no-data").json())).containsExactly(acked.toString());
    assertThat(ids(web.get("/api/v1/incidents?targetId=other2").json())).containsExactly(other.toString());
    assertThat(ids(web.get("/api/v1/incidents?from=" + NOW.minus(100, ChronoUnit.MINUTES)).json()))
        .containsExactly(open.toString(), acked.toString());
    assertThat(ids(web.get("/api/v1/incidents?to=" + NOW.minus(150, ChronoUnit.MINUTES)).json()))
        .containsExactly(resolved.toString(), other.toString());

    List<String> paged = new ArrayList<>();
    String url = "/api/v1/incidents?limit=3";
    JsonNode page = web.get(url).json();
    paged.addAll(ids(page));
    assertThat(page.get("nextCursor").isTextual()).isTrue();
    page = web.get(url + "&cursor=" + page.get("nextCursor").asText()).json();
    paged.addAll(ids(page));
    assertThat(page.get("nextCursor").isNull()).isTrue();
    assertThat(paged).containsExactly(open.toString(), acked.toString(), resolved.toString(), other.toString());
  }

  @Test
  void theDetailHasTheTimelineAndTheFailingResults(WebFixture web) {
    WebFixture.Response r = web.get("/api/v1/incidents/" + open);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode d = r.json();
    assertThat(d.get("timeline")).hasSize(2);
    assertThat(d.get("timeline").get(0).get("kind").asText()).isEqualTo("OPENED");
    assertThat(d.get("timeline").get(1).get("seq").asLong()).isEqualTo(2);
    assertThat(d.get("timeline").get(1).get("locations").get(0).get("state").asText()).isEqualTo("DOWN");
    assertThat(d.get("results")).hasSize(1);
    assertThat(d.get("results").get(0).get("resultId").asText()).isEqualTo(cause.toString());
    assertThat(d.get("results").get(0).get("reason").asText()).isEqualTo("TIMEOUT");

    assertThat(web.get("/api/v1/incidents/" + UUID.randomUUID()).status()).isEqualTo(404);
    assertThat(web.get("/api/v1/incidents/not-a-uuid").status()).isEqualTo(404);
  }

  @Test
  void anAckPublishesExactlyOneCommandKeyedByTheTarget(WebFixture web) {
    long before = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    WebFixture.Response r = web.post("/api/v1/incidents/" + acked + "/ack", "{\"note\":\"looking into it\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    assertThat(r.json().get("by").asText()).isEqualTo("api-token");

    List<ConsumerRecord<String, byte[]>> records = committed(web);
    List<ConsumerRecord<String, byte[]>> mine = records.stream().filter(c -> CODEC.decodeCommand(c.value()).incidentId().equals(acked)).toList();
    assertThat(mine).hasSize(1);
    IncidentCommand command = CODEC.decodeCommand(mine.get(0).value());
    assertThat(mine.get(0).key()).isEqualTo("other1");
    assertThat(command.targetId()).isEqualTo("other1");
    assertThat(command.type()).isEqualTo(IncidentCommand.Type.ACKNOWLEDGE);
    assertThat(command.by()).isEqualTo("api-token");
    assertThat(command.note()).contains("looking into it");
    assertThat(command.commandId().toString()).isEqualTo(r.json().get("commandId").asText());
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before + 1);

    // Without a body: an ack without a note.
    WebFixture.Response bare = web.send("POST", "/api/v1/incidents/" + open + "/ack", Optional.of(WebFixture.TOKEN), Optional.empty(), "");
    assertThat(bare.status()).as(bare.body()).isEqualTo(202);
    assertThat(bare.json().get("note").isNull()).isTrue();
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before + 2);
  }

  @Test
  void refusedAcksPublishNothing(WebFixture web) {
    long before = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    WebFixture.Response gone = web.post("/api/v1/incidents/" + resolved + "/ack", "{}");
    assertThat(gone.status()).as(gone.body()).isEqualTo(409);
    assertThat(gone.json().get("message").asText()).contains("resolved");
    assertThat(gone.header("Retry-After")).isEmpty(); // retrying does not unresolve it
    assertThat(web.post("/api/v1/incidents/" + UUID.randomUUID() + "/ack", "{}").status()).isEqualTo(404);
    assertThat(web.post("/api/v1/incidents/nope/ack", "{}").status()).isEqualTo(404);
    // Anonymous and a session without its CSRF token may not ack.
    assertThat(web.send("POST", "/api/v1/incidents/" + open + "/ack", Optional.empty(), Optional.of("{}"), "application/json").status())
        .isEqualTo(401);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    assertThat(ui.post("/incidents/" + open + "/ack", Map.of("note", "x")).statusCode()).isEqualTo(403);
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before);
  }

  @Test
  void thePagesShowIncidentsAndTheFormAcks(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    HttpResponse<String> list = ui.get("/incidents");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("id=\"incidents-table\"").contains("data-id=\"" + open + "\"").contains("Name of other2");
    assertThat(list.body().indexOf(open.toString())).isLessThan(list.body().indexOf(other.toString()));
    assertThat(ui.get("/incidents?state=sideways").body()).contains("state: must be one of");

    HttpResponse<String> page = ui.get("/incidents/" + open);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("id=\"incident-timeline\"").contains("id=\"result-" + cause + "\"").contains("href=\"#result-" + cause + "\"");
    long before = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", UiClient.csrf(page.body()));
    form.put("note", "from the form");
    HttpResponse<String> acked = ui.post("/incidents/" + open + "/ack", form);
    assertThat(acked.statusCode()).isEqualTo(303);
    assertThat(acked.headers().firstValue("Location")).contains("/incidents/" + open + "?ack=sent");
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before + 1);
    IncidentCommand last =
        committed(web).stream().map(c -> CODEC.decodeCommand(c.value())).filter(c -> c.note().equals(Optional.of("from the form"))).findFirst()
            .orElseThrow();
    assertThat(last.by()).isEqualTo("admin");
    assertThat(ui.get("/incidents/" + open + "?ack=sent").body()).contains("id=\"ack-notice\"");
    HttpResponse<String> refused = ui.post("/incidents/" + resolved + "/ack", form);
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("id=\"ack-error\"").contains("is resolved").doesNotContain("id=\"ack-form\"");
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(before + 1);

    String target = web.get("/api/v1/incidents/" + open).json().get("targetId").asText();
    HttpResponse<String> targetPage = ui.get("/targets/" + target);
    assertThat(targetPage.body()).contains("Open incident:").contains("id=\"target-incidents\"").contains("data-id=\"" + resolved + "\"");
    HttpResponse<String> targets = ui.get("/targets");
    assertThat(targets.body()).contains("href=\"/incidents/" + open + "\"").contains("down (open incident)");
  }

  @Test
  void kafkaDownGives503(ExtensionContext context) throws Exception {
    Duration timeout = Duration.ofSeconds(1);
    WebConfig config = WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false).withPublishTimeout(timeout);
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (HikariDataSource db = PostgresFixture.freshDatabase(context, "ackdown");
        KafkaTargetPublisher publisher = KafkaTargetPublisher.create(KafkaConfig.plaintext("127.0.0.1:" + dead), "webmon.targets", timeout);
        WebApp app =
            WebApp.create(
                    config, db, publisher, WebFixture.DISCARD_POLICIES, publisher.incidentCommands("webmon.incident-commands"), AddressPolicy.allowingAll(),
                    Clock.systemUTC(), new io.micrometer.core.instrument.composite.CompositeMeterRegistry())
                .start()) {
      UUID id = UUID.randomUUID();
      IncidentRows.incident(db, id, "t1", "down", "open", NOW, null, UUID.randomUUID(), "[]");
      WebFixture.Response r = new WebFixture.Client("http://127.0.0.1:" + app.port()).post("/api/v1/incidents/" + id + "/ack", "{}");
      assertThat(r.status()).as(r.body()).isEqualTo(503);
      assertThat(r.header("Retry-After")).contains("5");
      assertThat(r.json().get("message").asText()).contains("Kafka is unavailable");
    }
  }

  /** Every committed record of the commands topic. */
  private static List<ConsumerRecord<String, byte[]>> committed(WebFixture web) {
    Properties p = new Properties();
    p.putAll(new HashMap<>(web.kafka.kafkaConfig().clientProperties()));
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(web.commandsTopic, Duration.ofSeconds(10)).stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(10)) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + web.commandsTopic + " to its end in 20 s");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }
}
