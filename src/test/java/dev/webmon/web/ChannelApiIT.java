package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.store.IncidentRows;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Notification channels through the API against a real PostgreSQL and a local webhook receiver:
 * secrets are write-only (masked in every answer, kept by a PUT that leaves them out), "Send
 * test" returns the receiver's answer and logs a TEST delivery, an incident's delivery log, the
 * failing-channel banner, and policies' notification settings.
 */
@ExtendWith(WebExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelApiIT {
  private static final String SECRET = "whsec_api_test_0123456789";
  private WebhookReceiver receiver;

  @BeforeAll
  void startReceiver() throws java.io.IOException {
    receiver = new WebhookReceiver();
  }

  @AfterAll
  void stopReceiver() {
    receiver.close();
  }

  private String webhook(String id, String path) {
    return "{\"id\":\"" + id + "\",\"type\":\"webhook\",\"name\":\"Hook " + id + "\",\"default\":true,\"minSeverity\":\"down\","
        + "\"settings\":{\"url\":\"" + receiver.url(path) + "\",\"secret\":\"" + SECRET + "\"},"
        + "\"templates\":{\"subject\":\"{{ incident.kind }} {{ target.name }}\"}}";
  }

  @Test
  void secretsAreWriteOnlyAndAPutWithoutThemKeepsThem(WebFixture web) {
    WebFixture.Response created = web.post("/api/v1/channels", webhook("masked", "/hook?token=tok-abcdef"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.header("ETag")).contains("\"1\"");
    JsonNode c = created.json();
    assertThat(c.get("settings").get("url").asText()).isEqualTo("******");
    assertThat(c.get("settings").get("secret").asText()).isEqualTo("******");
    assertThat(c.get("default").asBoolean()).isTrue();
    assertThat(c.get("sendResolved").asBoolean()).isTrue();
    assertThat(c.get("templates").get("subject").asText()).contains("incident.kind");
    for (String read : java.util.List.of("/api/v1/channels", "/api/v1/channels/masked")) {
      String body = web.get(read).body();
      assertThat(body).contains("masked").doesNotContain(SECRET).doesNotContain("tok-abcdef").doesNotContain("127.0.0.1");
    }
    WebFixture.Response renamed =
        web.put("/api/v1/channels/masked", "{\"type\":\"webhook\",\"name\":\"Renamed\",\"settings\":{\"url\":\"******\"}}");
    assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
    assertThat(renamed.json().get("version").asLong()).isEqualTo(2);
    assertThat(renamed.json().get("default").asBoolean()).isFalse();
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'masked' AND secrets->>'secret' = '" + SECRET
        + "' AND secrets->>'url' LIKE '%tok-abcdef' AND name = 'Renamed'")).isOne();
    WebFixture.Response replaced =
        web.put("/api/v1/channels/masked", "{\"type\":\"webhook\",\"name\":\"Renamed\",\"settings\":{\"secret\":\"another-secret-0123456789\"}}");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'masked' AND secrets->>'secret' = 'another-secret-0123456789'"))
        .isOne();
    WebFixture.Response stale =
        web.send("PUT", "/api/v1/channels/masked", java.util.Optional.of(WebFixture.TOKEN),
            java.util.Optional.of("{\"type\":\"webhook\",\"name\":\"Stale\"}"), "application/json");
    assertThat(stale.status()).isEqualTo(200); // no If-Match: any version
    assertThat(web.post("/api/v1/channels", webhook("masked", "/x")).status()).isEqualTo(409);
    assertThat(web.delete("/api/v1/channels/masked").status()).isEqualTo(204);
    assertThat(web.get("/api/v1/channels/masked").status()).isEqualTo(404);
  }

  @Test
  void sendTestReturnsTheReceiversAnswerSignedAndLogsATestDelivery(WebFixture web) {
    assertThat(web.post("/api/v1/channels", webhook("tested", "/tested")).status()).isEqualTo(201);
    receiver.status = 200;
    WebFixture.Response ok = web.post("/api/v1/channels/tested/test", "{}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    assertThat(ok.json().get("outcome").asText()).isEqualTo("delivered");
    assertThat(ok.json().get("httpStatus").asInt()).isEqualTo(200);
    assertThat(ok.json().get("latencyMs").asLong()).isNotNegative();
    WebhookReceiver.Request got = receiver.received.stream().filter(r -> r.path().equals("/tested")).findFirst().orElseThrow();
    assertThat(got.header("X-Webmon-Signature")).isEqualTo("sha256=" + WebhookReceiver.hmacHex(SECRET, got.body()));
    assertThat(got.header("Idempotency-Key")).startsWith("test:").endsWith(":tested");
    assertThat(got.text()).contains("\"channelId\":\"tested\"");

    receiver.status = 503;
    WebFixture.Response down = web.post("/api/v1/channels/tested/test", "{}");
    assertThat(down.status()).as(down.body()).isEqualTo(200);
    assertThat(down.json().get("outcome").asText()).isEqualTo("retry");
    assertThat(down.json().get("httpStatus").asInt()).isEqualTo(503);
    assertThat(down.json().get("detail").asText()).contains("HTTP 503");
    receiver.status = 200;

    assertThat(web.queryLong("SELECT count(*) FROM notification WHERE channel_id = 'tested' AND kind = 'TEST'")).isEqualTo(2);
    assertThat(web.queryLong("SELECT count(*) FROM notification_attempt a JOIN notification n ON n.id = a.notification_id"
        + " WHERE n.channel_id = 'tested' AND a.http_status = 503 AND a.outcome = 'failed'")).isOne();
    JsonNode log = web.get("/api/v1/channels/tested/deliveries").json().get("items");
    assertThat(log).hasSize(2);
    assertThat(log.get(0).get("httpStatus").asInt()).as("newest first").isEqualTo(503);
    assertThat(log.get(0).get("kind").asText()).isEqualTo("TEST");

    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    HttpResponse<String> targets = ui.get("/targets");
    assertThat(targets.body()).contains("id=\"failing-channels\"").contains("Hook tested");
    assertThat(web.post("/api/v1/channels/tested/test", "{}").json().get("outcome").asText()).isEqualTo("delivered");
    assertThat(ui.get("/targets").body()).doesNotContain("Hook tested");
    assertThat(web.post("/api/v1/channels/nope/test", "{}").status()).isEqualTo(404);
  }

  @Test
  void anIncidentsDeliveryLogListsEveryAttempt(WebFixture web) throws Exception {
    assertThat(web.post("/api/v1/channels", webhook("logged", "/logged")).status()).isEqualTo(201);
    UUID incident = UUID.randomUUID();
    IncidentRows.incident(web.db, incident, "some-target", "down", "open", Instant.parse("2026-03-01T12:00:00Z"), null, UUID.randomUUID(), "[]");
    web.execute(
        "INSERT INTO notification (dedup_key, channel_id, incident_id, seq, kind, target_id, severity, payload, state, due_at, attempts)"
            + " VALUES (?, 'logged', ?::uuid, 1, 'OPENED', 'some-target', 'down', '{}', 'pending', now(), 2)",
        incident + ":1:logged", incident.toString());
    long id = web.queryLong("SELECT id FROM notification WHERE dedup_key = '" + incident + ":1:logged'");
    web.execute(
        "INSERT INTO notification_attempt (notification_id, attempt, at, outcome, http_status, latency_ms, next_retry_at, detail) VALUES"
            + " (?, 1, '2026-03-01T12:00:01Z', 'retry', 502, 40, '2026-03-01T12:00:11Z', 'will retry: HTTP 502'),"
            + " (?, 2, '2026-03-01T12:00:11Z', 'retry', NULL, 5000, '2026-03-01T12:00:31Z', 'will retry: connect timed out')",
        id, id);
    WebFixture.Response r = web.get("/api/v1/incidents/" + incident + "/deliveries");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode items = r.json().get("items");
    assertThat(items).hasSize(2);
    assertThat(items.get(0).get("channelId").asText()).isEqualTo("logged");
    assertThat(items.get(0).get("httpStatus").asInt()).isEqualTo(502);
    assertThat(items.get(0).get("nextRetryAt").asText()).isEqualTo("2026-03-01T12:00:11Z");
    assertThat(items.get(1).has("httpStatus")).isFalse();
    assertThat(items.get(1).get("latencyMs").asInt()).isEqualTo(5000);
    assertThat(web.get("/api/v1/incidents/" + UUID.randomUUID() + "/deliveries").status()).isEqualTo(404);

    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String page = ui.get("/incidents/" + incident).body();
    assertThat(page).contains("id=\"deliveries\"").contains("HTTP 502").contains("will retry: connect timed out");
  }

  @Test
  void policiesCarryTheirNotificationSettings(WebFixture web) {
    assertThat(web.post("/api/v1/channels", webhook("pager", "/pager")).status()).isEqualTo(201);
    WebFixture.Response created =
        web.post("/api/v1/alert-policies", "{\"name\":\"escalating\",\"quorum\":1,"
            + "\"notify\":{\"remindEverySeconds\":600,\"escalation\":[{\"afterMinutes\":15,\"channels\":[\"pager\"]}]}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("notify").get("escalation").get(0).get("channels").get(0).asText()).isEqualTo("pager");
    assertThat(web.queryLong("SELECT count(*) FROM alert_policy WHERE name = 'escalating'"
        + " AND notify = '{\"remindEverySeconds\":600,\"escalation\":[{\"afterMinutes\":15,\"channels\":[\"pager\"]}]}'::jsonb")).isOne();
    long version = created.json().get("version").asLong();
    WebFixture.Response changed =
        web.put("/api/v1/alert-policies/escalating", "{\"quorum\":1,\"notify\":{\"remindEverySeconds\":0}}");
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().get("version").asLong()).as("notify is not part of the policy's event").isEqualTo(version);
    assertThat(changed.json().get("notify").size()).isZero();
    WebFixture.Response kept = web.put("/api/v1/alert-policies/escalating", "{\"quorum\":2}");
    assertThat(kept.status()).as(kept.body()).isEqualTo(200);
    assertThat(web.get("/api/v1/alert-policies/escalating").json().get("quorum").asInt()).isEqualTo(2);
    WebFixture.Response again =
        web.put("/api/v1/alert-policies/escalating", "{\"quorum\":2,\"notify\":{\"escalation\":[{\"afterMinutes\":5,\"channels\":[\"pager\"]}]}}");
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    WebFixture.Response inUse = web.delete("/api/v1/channels/pager");
    assertThat(inUse.status()).as(inUse.body()).isEqualTo(409);
    assertThat(inUse.json().get("message").asText()).contains("escalating");
  }

  @Test
  void theChannelPagesListAndEditWithoutShowingSecrets(WebFixture web) {
    assertThat(web.post("/api/v1/channels", webhook("paged", "/paged?token=page-token-xyz")).status()).isEqualTo(201);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String list = ui.get("/channels").body();
    assertThat(list).contains("id=\"channel-paged\"").doesNotContain(SECRET).doesNotContain("page-token-xyz");
    String edit = ui.get("/channels/paged/edit").body();
    assertThat(edit).contains("id=\"settings.url-state\">set<").doesNotContain(SECRET).doesNotContain("page-token-xyz");
    HttpResponse<String> saved =
        ui.post("/channels/paged", Map.of("_csrf", UiClient.csrf(edit), "type", "webhook", "name", "Paged again", "sendResolved", "on"));
    assertThat(saved.statusCode()).as(saved.body()).isIn(200, 303);
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'paged' AND name = 'Paged again'"
        + " AND secrets->>'secret' = '" + SECRET + "'")).isOne();
    String form = ui.get("/alert-policies/default/edit").body();
    assertThat(form).contains("id=\"notify.escalation\"");
    Map<String, String> policy = new java.util.HashMap<>(Map.of("_csrf", UiClient.csrf(form), "name", "default",
        "notify.remindEverySeconds", "900", "notify.escalation", "10: paged\n30: paged"));
    HttpResponse<String> bad = ui.post("/alert-policies/default", Map.of("_csrf", UiClient.csrf(form), "name", "default",
        "notify.escalation", "30: paged\n10: paged"));
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("notify.escalation[1].afterMinutes");
    assertThat(ui.post("/alert-policies/default", policy).statusCode()).isEqualTo(303);
    assertThat(ui.get("/alert-policies/default/edit").body()).contains("10: paged\n30: paged").contains("value=\"900\"");
    String add = ui.get("/channels/new?type=email").body();
    assertThat(add).contains("id=\"settings.host\"").contains("id=\"settings.password\"").contains("id=\"settings.tls\"");
  }

  @Test
  void anEmailChannelKeepsItsTlsMode(WebFixture web) {
    WebFixture.Response created = web.post("/api/v1/channels", "{\"id\":\"smtps\",\"type\":\"email\",\"name\":\"SMTPS\","
        + "\"settings\":{\"host\":\"127.0.0.1\",\"tls\":\"implicit\",\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("settings").get("tls").asText()).isEqualTo("implicit");
    assertThat(web.get("/api/v1/channels/smtps").json().get("settings").get("tls").asText()).isEqualTo("implicit");
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'smtps' AND settings->>'tls' = 'implicit'")).isOne();
  }
  @Test
  void theFormRemovesAStoredOptionalSecretOnlyWhenItsBoxIsTicked(WebFixture web) {
    String token = "tk_form_token_0123456789";
    String server = receiver.url("/");
    assertThat(web.post("/api/v1/channels", "{\"id\":\"ntfy-form\",\"type\":\"ntfy\",\"name\":\"Ntfy\",\"settings\":"
        + "{\"serverUrl\":\"" + server + "\",\"topic\":\"form-topic-123\",\"accessToken\":\"" + token + "\"}}").status())
        .isEqualTo(201);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String edit = ui.get("/channels/ntfy-form/edit").body();
    assertThat(edit).contains("id=\"settings.accessToken-state\">set<")
        .contains("name=\"settings.accessToken.clear\"")
        .as("a required secret cannot be removed").doesNotContain("name=\"settings.topic.clear\"")
        .doesNotContain(token).doesNotContain("form-topic-123");
    Map<String, String> form = new java.util.HashMap<>(Map.of("_csrf", UiClient.csrf(edit), "type", "ntfy", "name", "Ntfy",
        "settings.serverUrl", server, "sendResolved", "on"));
    String stored = "SELECT count(*) FROM notify_channel WHERE id = 'ntfy-form' AND secrets->>'topic' = 'form-topic-123'"
        + " AND secrets->>'accessToken' = '" + token + "'";

    assertThat(ui.post("/channels/ntfy-form", form).statusCode()).as("saved without the box").isEqualTo(303);
    assertThat(web.queryLong(stored)).as("an empty secret input keeps the stored value").isOne();

    form.put("settings.accessToken", "tk_another_token_987654");
    form.put("settings.accessToken.clear", "on");
    HttpResponse<String> both = ui.post("/channels/ntfy-form", form);
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(both.body()).contains("settings.accessToken").contains("not both")
        .contains("name=\"settings.accessToken.clear\" checked").doesNotContain("tk_another_token_987654");
    assertThat(web.queryLong(stored)).as("nothing saved").isOne();

    form.remove("settings.accessToken");
    assertThat(ui.post("/channels/ntfy-form", form).statusCode()).isEqualTo(303);
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'ntfy-form'"
        + " AND secrets->>'topic' = 'form-topic-123' AND secrets->'accessToken' IS NULL")).as("removed; the topic kept").isOne();
    String after = ui.get("/channels/ntfy-form/edit").body();
    assertThat(after).contains("id=\"settings.accessToken-state\">not set<").doesNotContain("settings.accessToken.clear");
    assertThat(web.get("/api/v1/channels/ntfy-form").json().get("settings").has("accessToken")).isFalse();
  }
}
