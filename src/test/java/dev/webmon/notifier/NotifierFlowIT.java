package dev.webmon.notifier;

import static dev.webmon.notifier.NotifierFixture.count;
import static dev.webmon.notifier.NotifierFixture.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.IncidentEvent;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notifier on real Kafka and PostgreSQL, in process: the contract of the flow (every
 * transition reaches the webhook with its Idempotency-Key and a valid signature; a malformed
 * record goes to the dead-letter topic and the rest flows on), grouping, give-up to the admin
 * channel, and a receiver outage ({@code -Dwebmon.long=true}: 10 minutes) while a second channel
 * keeps receiving on time.
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class NotifierFlowIT {
  private static final AddressPolicy LOOPBACK = AddressPolicy.allowingAll();

  private static NotifierConfig config(String... overrides) {
    Map<String, String> m = new HashMap<>();
    m.put("notify.group-wait", "0s");
    m.put("notify.retry-initial", "100ms");
    m.put("notify.retry-max", "500ms");
    m.put("notify.web-base-url", "https://webmon.example.com/");
    for (int i = 0; i < overrides.length; i += 2) {
      m.put(overrides[i], overrides[i + 1]);
    }
    return NotifierConfig.defaults(m);
  }

  @Test
  void everyTransitionReachesTheWebhookWithItsKeyAndSignatureAndMalformedRecordsAreDeadLettered(
      TestDatabase db, EmbeddedKafka broker) throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 3);
    HikariDataSource ds = NotifierFixture.migrated(db);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Receiver hook = new Receiver()) {
      NotifierFixture.webhook(ds, "ops-hook", hook.url("/hook").toString(), true);
      List<IncidentEvent> events = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        events.addAll(NotifierFixture.lifecycle("target-" + i));
      }
      try (Notifier notifier =
              Notifier.builder(kafka, topics, db.config(), config()).addressPolicy(LOOPBACK).meterRegistry(registry).start();
          OpsServer ops = OpsServer.start("Notifier", "127.0.0.1", 0, registry, new NotifierHealth(notifier));
          KafkaProducer<byte[], byte[]> producer = NotifierFixture.producer(kafka)) {
        producer.send(new ProducerRecord<>(topics.incidents(), "target-0".getBytes(StandardCharsets.UTF_8),
            "{not json".getBytes(StandardCharsets.UTF_8)));
        producer.send(new ProducerRecord<>(topics.incidents(), "target-1".getBytes(StandardCharsets.UTF_8), null));
        // A valid transition under another target's key: the sink does not store it, so it is not notified.
        IncidentEvent misKeyed = NotifierFixture.lifecycle("target-x").get(0);
        producer.send(new ProducerRecord<>(topics.incidents(), "target-2".getBytes(StandardCharsets.UTF_8), NotifierFixture.CODEC.encode(misKeyed)));
        events.forEach(e -> NotifierFixture.send(producer, topics, e));
        producer.flush();

        await().atMost(Duration.ofSeconds(60)).until(() -> hook.requests.size() >= events.size());
        Map<String, Receiver.Request> byKey = new HashMap<>();
        for (Receiver.Request r : hook.requests) {
          assertThat(r.header("X-Webmon-Signature")).isEqualTo(NotifierFixture.signature(r.body()));
          byKey.put(r.header("Idempotency-Key"), r);
          JsonNode body = Contract.json(r.text());
          assertThat(body.path("dedupKey").asText()).isEqualTo(r.header("Idempotency-Key"));
        }
        Set<String> expected = new LinkedHashSet<>();
        events.forEach(e -> expected.add(key(e, "ops-hook")));
        assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        for (IncidentEvent e : events) {
          JsonNode body = Contract.json(byKey.get(key(e, "ops-hook")).text());
          assertThat(body.path("incident").path("kind").asText()).isEqualTo(e.kind().name());
          assertThat(body.path("incident").path("seq").asLong()).isEqualTo(e.seq());
          assertThat(body.path("links").path("incident").asText())
              .isEqualTo("https://webmon.example.com/incidents/" + e.incidentId());
        }
        assertPerIncidentOrder(hook.requests);

        await().atMost(Duration.ofSeconds(10))
            .until(() -> count(ds, "SELECT count(*) FROM notification WHERE state = 'delivered'") == events.size());
        assertThat(count(ds, "SELECT count(*) FROM notification_attempt WHERE outcome = 'delivered'"))
            .isEqualTo(events.size());
        assertThat(count(ds, "SELECT sum(next_offset) FROM sink_offset WHERE consumer_group = '" + topics.prefix()
            + "-notifier'")).isEqualTo(events.size() + 3);
        assertThat(NotifierFixture.deadLetters(kafka, topics, 3))
            .extracting(r -> new String(r.headers().lastHeader("webmon.error").value(), StandardCharsets.UTF_8))
            .containsExactlyInAnyOrder("MALFORMED_JSON", "EMPTY", "WRONG_KEY");

        try (HttpClient http = HttpClient.newHttpClient()) {
          String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/metrics"))
              .build(), HttpResponse.BodyHandlers.ofString()).body();
          assertThat(metrics)
              .contains("webmon_notifier_deliveries_total{outcome=\"delivered\",type=\"webhook\"} " + events.size() + ".0")
              .contains("webmon_notifier_queue_depth{type=\"webhook\"}")
              .contains("webmon_notifier_oldest_pending_seconds{type=\"webhook\"}");
          Promtool.assertValid(metrics);
          HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/ready")).build();
          HttpResponse<String> r =
              await().atMost(Duration.ofSeconds(15))
                  .until(() -> http.send(ready, HttpResponse.BodyHandlers.ofString()), x -> x.statusCode() == 200);
          assertThat(r.body()).contains("\"component\":\"notifier\"", "\"ready\":true");
        }
      }
    }
    ds.close();
  }

  @Test
  void openedWithinGroupWaitGoOutAsOneMessageAndResolveOneByOne(TestDatabase db, EmbeddedKafka broker) throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 1);
    HikariDataSource ds = NotifierFixture.migrated(db);
    try (Receiver hook = new Receiver()) {
      NotifierFixture.webhook(ds, "hook", hook.url("/").toString(), true);
      List<List<IncidentEvent>> incidents = List.of(
          NotifierFixture.lifecycle("a"), NotifierFixture.lifecycle("b"), NotifierFixture.lifecycle("c"));
      try (Notifier notifier =
              Notifier.builder(kafka, topics, db.config(), config("notify.group-wait", "3s")).addressPolicy(LOOPBACK).start();
          KafkaProducer<byte[], byte[]> producer = NotifierFixture.producer(kafka)) {
        assertThat(notifier.isRunning()).isTrue();
        incidents.forEach(l -> NotifierFixture.send(producer, topics, l.get(0)));
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> hook.requests.size() >= 1);
        Receiver.Request grouped = hook.only();
        JsonNode body = Contract.json(grouped.text());
        assertThat(body.path("v").asText()).isEqualTo("1.1");
        assertThat(body.path("group")).hasSize(3);
        assertThat(body.path("message").path("subject").asText()).isEqualTo("[DOWN] 3 targets: Target a, Target b, Target c");
        assertThat(grouped.header("Idempotency-Key")).startsWith("group:").endsWith(":hook");
        // The receiver records the request before it answers, and the rows commit after the answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          assertThat(count(ds, "SELECT count(DISTINCT group_id) FROM notification WHERE group_id IS NOT NULL")).isEqualTo(1);
          assertThat(count(ds, "SELECT count(*) FROM notification WHERE group_id IS NOT NULL AND state = 'delivered'"))
              .isEqualTo(3);
        });

        incidents.forEach(l -> NotifierFixture.send(producer, topics, l.get(2)));
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> hook.requests.size() >= 4);
        assertThat(hook.requests.subList(1, 4)).extracting(r -> r.header("Idempotency-Key"))
            .containsExactlyInAnyOrder(key(incidents.get(0).get(2), "hook"), key(incidents.get(1).get(2), "hook"),
                key(incidents.get(2).get(2), "hook"));
      }
    }
    ds.close();
  }

  @Test
  void aPermanentFailureAndAnExhaustedRetryAreGivenUpAndReportedToTheAdminChannel(TestDatabase db, EmbeddedKafka broker)
      throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 1);
    HikariDataSource ds = NotifierFixture.migrated(db);
    try (Receiver gone = new Receiver().answer(404, "no such hook");
        Receiver busy = new Receiver().answer(503, "busy");
        Receiver admin = new Receiver()) {
      NotifierFixture.webhook(ds, "gone", gone.url("/").toString(), true);
      NotifierFixture.webhook(ds, "busy", busy.url("/").toString(), true);
      NotifierFixture.webhook(ds, "admin", admin.url("/").toString(), false);
      IncidentEvent opened = NotifierFixture.lifecycle("x").get(0);
      NotifierConfig config = config("notify.admin-channel", "admin", "notify.give-up-after", "2s");
      try (Notifier notifier = Notifier.builder(kafka, topics, db.config(), config).addressPolicy(LOOPBACK).start();
          KafkaProducer<byte[], byte[]> producer = NotifierFixture.producer(kafka)) {
        assertThat(notifier.isRunning()).isTrue();
        NotifierFixture.send(producer, topics, opened);
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.requests.size() >= 2);
        assertThat(gone.requests).hasSize(1);
        assertThat(busy.requests.size()).isGreaterThan(1);
        assertThat(admin.requests).extracting(r -> Contract.json(r.text()).path("giveUp").path("channelId").asText())
            .containsExactlyInAnyOrder("gone", "busy");
        assertThat(admin.requests).allSatisfy(r -> assertThat(r.header("Idempotency-Key")).startsWith("give-up:"));
        assertThat(count(ds, "SELECT count(*) FROM notification WHERE state = 'failed'")).isEqualTo(2);
        assertThat(count(ds, "SELECT count(*) FROM notification_attempt WHERE outcome = 'retry'"))
            .isEqualTo(busy.requests.size() - 1);
        // The last attempt of "busy" was at its give-up time, not after it.
        assertThat(count(ds, "SELECT count(*) FROM notification_attempt a JOIN notification n ON n.id = a.notification_id "
            + "WHERE n.channel_id = 'busy' AND a.next_retry_at > n.created_at + interval '2 seconds'")).isZero();
      }
    }
    ds.close();
  }

  @Test
  void aReceiverOutageDelaysOnlyItsOwnChannelAndEverythingArrivesInOrderAfterIt(TestDatabase db, EmbeddedKafka broker)
      throws Exception {
    boolean longRun = Boolean.getBoolean("webmon.long");
    Duration outage = longRun ? Duration.ofMinutes(10) : Duration.ofSeconds(4);
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 3);
    HikariDataSource ds = NotifierFixture.migrated(db);
    NotifierConfig config = longRun ? config("notify.retry-initial", "1s", "notify.retry-max", "30s") : config();
    try (Receiver down = new Receiver().answer(503, "down for maintenance");
        Receiver up = new Receiver()) {
      NotifierFixture.webhook(ds, "down", down.url("/").toString(), true);
      NotifierFixture.webhook(ds, "up", up.url("/").toString(), true);
      List<IncidentEvent> events = new ArrayList<>();
      try (Notifier notifier = Notifier.builder(kafka, topics, db.config(), config).addressPolicy(LOOPBACK).start();
          KafkaProducer<byte[], byte[]> producer = NotifierFixture.producer(kafka)) {
        assertThat(notifier.isRunning()).isTrue();
        long outageEnd = System.nanoTime() + outage.toNanos();
        int i = 0;
        // Transitions keep coming during the outage; each reaches "up" within seconds.
        while (System.nanoTime() < outageEnd - Duration.ofSeconds(2).toNanos() || i < 3) {
          List<IncidentEvent> l = NotifierFixture.lifecycle("t-" + i++);
          for (IncidentEvent e : l) {
            NotifierFixture.send(producer, topics, e);
            events.add(e);
          }
          producer.flush();
          int expected = events.size();
          await().atMost(Duration.ofSeconds(10)).until(() -> distinctKeys(up.requests).size() >= expected);
          LockSupport.parkNanos(Duration.ofMillis(longRun ? 20_000 : 300).toNanos()); // pacing, not synchronisation
        }
        assertThat(distinctKeys(up.requests)).hasSize(events.size());
        assertThat(down.requests).isNotEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() >= outageEnd);
        down.answer(200, "ok");
        await().atMost(Duration.ofSeconds(longRun ? 120 : 60))
            .until(() -> count(ds, "SELECT count(*) FROM notification WHERE channel_id = 'down' AND state = 'delivered'")
                == events.size());
        Set<String> expected = new LinkedHashSet<>();
        events.forEach(e -> expected.add(key(e, "down")));
        assertThat(distinctKeys(down.requests)).containsExactlyInAnyOrderElementsOf(expected);
        assertPerIncidentOrder(down.requests);
        assertPerIncidentOrder(up.requests);
      }
    }
    ds.close();
  }

  @Test
  void aReminderQueuedByTheSchedulerIsDeliveredLikeATransitionWithItsWording(TestDatabase db, EmbeddedKafka broker)
      throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = NotifierFixture.topics(kafka, 1);
    HikariDataSource ds = NotifierFixture.migrated(db);
    try (Receiver hook = new Receiver()) {
      NotifierFixture.webhook(ds, "hook", hook.url("/").toString(), true);
      IncidentEvent opened = NotifierFixture.lifecycle("r").get(0);
      FollowUp reminder = FollowUp.reminder(2);
      com.fasterxml.jackson.databind.node.ObjectNode payload =
          (com.fasterxml.jackson.databind.node.ObjectNode) Contract.json(
              new String(NotifierFixture.CODEC.encode(opened), StandardCharsets.UTF_8));
      String key = reminder.dedupKey(opened.incidentId(), "hook");
      try (Notifier notifier = Notifier.builder(kafka, topics, db.config(), config()).addressPolicy(LOOPBACK).start();
          java.sql.Connection c = ds.getConnection();
          java.sql.PreparedStatement ps = c.prepareStatement(
              "INSERT INTO notification (dedup_key, channel_id, incident_id, seq, kind, target_id, severity, payload, due_at) "
                  + "VALUES (?, 'hook', ?, 1, 'REMINDER', 'r', 'down', ?::jsonb, now())")) {
        assertThat(notifier.isRunning()).isTrue();
        ps.setString(1, key);
        ps.setObject(2, opened.incidentId());
        ps.setString(3, reminder.addTo(payload).toString());
        ps.executeUpdate();
        await().atMost(Duration.ofSeconds(30)).until(() -> hook.requests.size() >= 1);
        Receiver.Request r = hook.only();
        assertThat(r.header("Idempotency-Key")).isEqualTo(key);
        assertThat(Contract.json(r.text()).path("message").path("subject").asText()).isEqualTo("[DOWN] Target r (reminder 2)");
      }
    }
    ds.close();
  }

  private static Set<String> distinctKeys(List<Receiver.Request> requests) {
    Set<String> keys = new LinkedHashSet<>();
    requests.forEach(r -> keys.add(r.header("Idempotency-Key")));
    return keys;
  }

  /** In the order of first arrival, each incident's transitions come seq after seq. */
  static void assertPerIncidentOrder(List<Receiver.Request> requests) {
    Map<UUID, Long> last = new HashMap<>();
    for (String key : distinctKeys(requests)) {
      String[] parts = key.split(":");
      UUID incident = UUID.fromString(parts[0]);
      long seq = Long.parseLong(parts[1]);
      assertThat(seq).as("transition %s after seq %s", key, last.get(incident)).isGreaterThan(last.getOrDefault(incident, 0L));
      last.put(incident, seq);
    }
  }
}
