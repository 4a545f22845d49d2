package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.check.AddressPolicy;
import dev.webmon.notifier.HandClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Maintenance on a status page, on an injected clock: a weekly window in Europe/Berlin on the night
 * its clocks go forward is listed at the right instants (03:00–04:00 CEST, since 02:00 does not
 * exist), its component turns "maintenance" the moment it starts and back when it ends — within
 * the page cache's 15 s, with a new ETag — an open incident outranks it, and the page names no
 * target.
 */
@ExtendWith(ContextResolver.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceStatusPageIT {
  /** Saturday noon before the last Sunday of March 2026, when Europe/Berlin goes from +01 to +02. */
  private static final Instant T0 = Instant.parse("2026-03-28T12:00:00Z");

  private final HandClock clock = new HandClock(T0);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private WebFixture web;
  private String shop;
  private String db;

  @BeforeAll
  void setUp(ExtensionContext context) {
    web = WebFixture.start(context, false, AddressPolicy.allowingAll(), clock);
    shop = StatusPageIT.target(web, "https://shop-secret.example/", "shop-internal", false);
    WebFixture.Response r = web.post("/api/v1/targets", "{\"url\":\"https://db-secret.example/\",\"name\":\"db-internal\",\"tags\":[\"db\"]}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    db = r.json().get("id").asText();
    StatusPageIT.created(web.post("/api/v1/status-pages", "{\"slug\":\"maint\",\"title\":\"Maintained\"}"));
    StatusPageIT.created(web.post("/api/v1/status-pages/maint/components", "{\"name\":\"Shop\",\"targets\":[\"" + shop + "\"]}"));
    StatusPageIT.created(web.post("/api/v1/status-pages/maint/components", "{\"name\":\"Database\",\"targets\":[\"" + db + "\"]}"));
  }

  @AfterAll
  void tearDown() {
    if (web != null) {
      web.close();
    }
  }

  @Test
  void aWindowTurnsItsComponentsToMaintenanceTheMomentItStartsAndBackWhenItEnds() throws Exception {
    clock.set(T0);
    HttpResponse<String> before = get("/status/maint.json", Map.of());
    assertThat(json(before).get("status").asText()).isEqualTo("operational");
    assertThat(json(before).get("maintenance")).isEmpty();

    WebFixture.Response w =
        web.post(
            "/api/v1/maintenance",
            "{\"title\":\"<b>DB upgrade</b>\",\"description\":\"Failover twice.\",\"scope\":{\"tags\":[\"db\"]},"
                + "\"schedule\":{\"type\":\"weekly\",\"days\":[\"SUN\"],\"at\":\"02:00\",\"duration\":\"PT2H\",\"zone\":\"Europe/Berlin\"}}");
    assertThat(w.status()).as(w.body()).isEqualTo(201);
    // The write drops the cached page at once: listed now, 03:00-04:00 CEST on the night of the change.
    HttpResponse<String> listed = get("/status/maint.json", Map.of());
    assertThat(listed.headers().firstValue("ETag")).isNotEqualTo(before.headers().firstValue("ETag"));
    JsonNode entry = json(listed).get("maintenance").get(0);
    assertThat(entry.get("start").asText()).isEqualTo("2026-03-29T01:00:00Z");
    assertThat(entry.get("end").asText()).isEqualTo("2026-03-29T02:00:00Z");
    assertThat(entry.get("zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(entry.get("active").asBoolean()).isFalse();
    assertThat(entry.get("title").asText()).isEqualTo("<b>DB upgrade</b>");
    assertThat(json(listed).get("maintenance")).as("the next Sunday is more than 7 days away").hasSize(1);

    clock.set(Instant.parse("2026-03-29T00:59:55Z"));
    HttpResponse<String> justBefore = get("/status/maint.json", Map.of());
    assertThat(component(justBefore, "Database")).isEqualTo("operational");
    assertThat(justBefore.headers().firstValue("Cache-Control")).contains("public, max-age=5");
    String etag = justBefore.headers().firstValue("ETag").orElseThrow();

    // 6 s later (the cache would hold 15 s): the window has started, the page shows it at once.
    clock.set(Instant.parse("2026-03-29T01:00:01Z"));
    HttpResponse<String> during = get("/status/maint.json", Map.of("If-None-Match", etag));
    assertThat(during.statusCode()).isEqualTo(200);
    assertThat(component(during, "Database")).isEqualTo("maintenance");
    assertThat(component(during, "Shop")).isEqualTo("operational");
    assertThat(json(during).get("status").asText()).isEqualTo("maintenance");
    assertThat(json(during).at("/maintenance/0/active").asBoolean()).isTrue();
    assertThat(during.body()).doesNotContain(shop, db, "secret", "internal");
    HttpResponse<String> html = get("/status/maint", Map.of());
    assertThat(html.body())
        .contains("Under maintenance", "Scheduled maintenance", "&lt;b&gt;DB upgrade&lt;/b&gt;", "Failover twice.",
            "2026-03-29 01:00 UTC", "2026-03-29 03:00 – 2026-03-29 04:00 Europe/Berlin")
        .doesNotContain("<b>DB upgrade</b>", shop, db, "secret", "internal");

    // An open incident outranks maintenance (incidents come from the sink: seen after the cache's 15 s).
    StatusPageIT.incident(web, db, "down", Instant.parse("2026-03-29T01:00:10Z"), Optional.empty());
    clock.set(Instant.parse("2026-03-29T01:00:30Z"));
    assertThat(component(get("/status/maint.json", Map.of()), "Database")).isEqualTo("major_outage");
    web.execute("UPDATE incident SET state = 'resolved', resolved_at = ? WHERE target_id = ?", java.sql.Timestamp.from(Instant.parse("2026-03-29T01:00:20Z")), db);
    clock.set(Instant.parse("2026-03-29T01:59:58Z"));
    assertThat(component(get("/status/maint.json", Map.of()), "Database")).isEqualTo("maintenance");

    // The end, 3 s later: operational again at once; the next Sunday (02:00-04:00 CEST) is listed.
    clock.set(Instant.parse("2026-03-29T02:00:01Z"));
    HttpResponse<String> after = get("/status/maint.json", Map.of());
    assertThat(component(after, "Database")).isEqualTo("operational");
    assertThat(json(after).get("status").asText()).isEqualTo("operational");
    assertThat(json(after).at("/maintenance/0/start").asText()).isEqualTo("2026-04-05T00:00:00Z");
  }

  @Test
  void aDeletedWindowLeavesThePageAtOnce() throws Exception {
    clock.set(Instant.parse("2026-06-01T10:00:00Z"));
    WebFixture.Response w =
        web.post(
            "/api/v1/maintenance",
            "{\"title\":\"Shop move\",\"scope\":{\"targets\":[\"" + shop + "\"]},"
                + "\"schedule\":{\"type\":\"once\",\"start\":\"2026-06-01T09:00:00Z\",\"end\":\"2026-06-01T11:00:00Z\"}}");
    assertThat(w.status()).as(w.body()).isEqualTo(201);
    HttpResponse<String> during = get("/status/maint.json", Map.of());
    assertThat(component(during, "Shop")).isEqualTo("maintenance");
    assertThat(json(during).at("/maintenance/0/title").asText()).isEqualTo("Shop move");
    assertThat(json(during).at("/maintenance/0").has("zone")).as("a one-off window has no zone").isFalse();
    assertThat(web.delete("/api/v1/maintenance/" + w.json().get("id").asText()).status()).isEqualTo(204);
    HttpResponse<String> gone = get("/status/maint.json", Map.of());
    assertThat(component(gone, "Shop")).isEqualTo("operational");
    assertThat(json(gone).get("maintenance").findValuesAsText("title")).doesNotContain("Shop move");
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isIn(200, 304);
    return r;
  }

  private static JsonNode json(HttpResponse<String> r) throws IOException {
    return Json.MAPPER.readTree(r.body());
  }

  private static String component(HttpResponse<String> r, String name) throws IOException {
    for (JsonNode c : json(r).get("components")) {
      if (c.get("name").asText().equals(name)) {
        return c.get("status").asText();
      }
    }
    throw new AssertionError("no component " + name + " in " + r.body());
  }
}
