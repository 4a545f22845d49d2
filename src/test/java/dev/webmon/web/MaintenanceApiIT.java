package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import java.net.http.HttpResponse;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Maintenance windows through the API and the UI on a real broker and a real PostgreSQL: every
 * change is a record of the maintenance topic (key = id, the event at its version; a delete a
 * tombstone), the stored windows are republished when a web instance starts, the list filters by
 * state, and a corpus of bad input is refused with a 400 naming the field, with nothing stored or
 * published.
 */
@ExtendWith(WebExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MaintenanceApiIT {
  private static final String API = "/api/v1/maintenance";
  private static final String WEEKLY =
      "\"schedule\":{\"type\":\"weekly\",\"days\":[\"SAT\",\"SUN\"],\"at\":\"02:00\",\"duration\":\"PT2H\",\"zone\":\"Europe/Berlin\"}";
  private final EventCodec codec = new EventCodec();
  private String shop;

  @BeforeAll
  void setUp(WebFixture web) {
    shop = StatusPageIT.target(web, "https://shop.example/", "Shop", false);
    WebFixture.Response tagged =
        web.post("/api/v1/targets", "{\"url\":\"https://db.example/\",\"name\":\"DB\",\"tags\":[\"db\"]}");
    assertThat(tagged.status()).as(tagged.body()).isEqualTo(201);
  }

  @Test
  void createReadUpdateDeleteArePublishedKeyedById(WebFixture web) {
    long offset = WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic);
    WebFixture.Response created =
        web.post(API, "{\"title\":\"DB upgrade\",\"description\":\"Slow checkout.\",\"scope\":{\"targets\":[\"" + shop + "\"],\"tags\":[\"db\"]}," + WEEKLY + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    JsonNode w = created.json();
    String id = w.get("id").asText();
    assertThat(created.header("Location")).contains(API + "/" + id);
    assertThat(created.header("ETag")).contains("\"1\"");
    assertThat(w.get("version").asLong()).isEqualTo(1);
    assertThat(w.get("targetsCovered").asLong()).as("shop by id, DB by tag").isEqualTo(2);
    assertThat(w.get("nextOccurrences")).hasSize(5);
    assertThat(w.at("/schedule/zone").asText()).isEqualTo("Europe/Berlin");
    assertThat(w.at("/scope/all").asBoolean()).isFalse();

    MaintenanceWindow published = latest(web, id).map(r -> codec.decodeMaintenance(r.value())).orElseThrow();
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic)).isEqualTo(offset + 1);
    assertThat(published.version()).isEqualTo(1);
    assertThat(published.title()).isEqualTo("DB upgrade");
    assertThat(published.scope().targetIds()).containsExactly(shop);
    assertThat(published.schedule())
        .isEqualTo(new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(2, 0), Duration.ofHours(2), ZoneId.of("Europe/Berlin")));
    assertThat(web.get(API + "/" + id).json().get("title").asText()).isEqualTo("DB upgrade");

    // If-Match: stale refused, current accepted; the version moves on and is published.
    String body = "{\"title\":\"DB upgrade (longer)\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"cron\",\"cron\":\"30 1 * * 1-5\",\"duration\":\"PT45M\",\"zone\":\"America/New_York\"}}";
    assertThat(web.client.sendWithIfMatch("PUT", API + "/" + id, body, "\"9\"").status()).isEqualTo(412);
    WebFixture.Response updated = web.client.sendWithIfMatch("PUT", API + "/" + id, body, "\"1\"");
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().get("version").asLong()).isEqualTo(2);
    assertThat(updated.json().get("description").asText()).as("PUT replaces").isEmpty();
    MaintenanceWindow v2 = codec.decodeMaintenance(latest(web, id).orElseThrow().value());
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.scope().all()).isTrue();
    assertThat(v2.schedule()).isInstanceOf(MaintenanceSchedule.Cron.class);
    // The answer sent back unchanged changes nothing and publishes nothing.
    long afterUpdate = WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic);
    assertThat(web.put(API + "/" + id, updated.body()).json().get("version").asLong()).isEqualTo(2);
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic)).isEqualTo(afterUpdate);

    assertThat(web.delete(API + "/" + id).status()).isEqualTo(204);
    assertThat(latest(web, id).orElseThrow().value()).as("a tombstone").isNull();
    assertThat(web.get(API + "/" + id).status()).isEqualTo(404);
    assertThat(web.delete(API + "/" + id).status()).isEqualTo(404);
    assertThat(web.queryLong("SELECT count(*) FROM maintenance_window WHERE id = '" + id + "'")).isZero();
  }

  @Test
  void theListFiltersByState(WebFixture web) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String active = id(web.post(API, once("active now", now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)))));
    String upcoming = id(web.post(API, once("later", now.plus(Duration.ofDays(2)), now.plus(Duration.ofDays(3)))));
    String past = id(web.post(API, once("done", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)))));
    assertThat(ids(web, "?state=active")).contains(active).doesNotContain(upcoming, past);
    assertThat(ids(web, "?state=upcoming")).contains(upcoming).doesNotContain(active, past);
    assertThat(ids(web, "?state=past")).contains(past).doesNotContain(active, upcoming);
    assertThat(ids(web, "")).contains(active, upcoming, past);
    JsonNode a = web.get(API + "/" + active).json();
    assertThat(a.get("active").asBoolean()).isTrue();
    assertThat(a.get("nextOccurrences")).hasSize(1);
    assertThat(web.get(API + "/" + past).json().get("nextOccurrences")).isEmpty();
    WebFixture.Response bad = web.get(API + "?state=soon");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().at("/fields/0/field").asText()).isEqualTo("state");
  }

  @Test
  void theStoredWindowsAreRepublishedWhenAWebInstanceStarts(WebFixture web) {
    String id = id(web.post(API, once("republished", Instant.parse("2030-01-01T00:00:00Z"), Instant.parse("2030-01-01T01:00:00Z"))));
    long before = web.maintenanceRecords().stream().filter(r -> r.key().equals(id)).count();
    try (WebApp again =
        WebApp.create(
                WebConfig.forTests(WebFixture.PASSWORD, WebFixture.TOKEN, false), web.db, web.publisher, web.policies,
                ((KafkaTargetPublisher) web.publisher).maintenance(web.maintenanceTopic), IncidentCommandPublisher.unavailable(),
                dev.webmon.check.AddressPolicy.allowingAll(), java.time.Clock.systemUTC(), new io.micrometer.core.instrument.composite.CompositeMeterRegistry())
            .start()) {
      assertThat(again.isRunning()).isTrue();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> web.maintenanceRecords().stream().filter(r -> r.key().equals(id)).count() == before + 1);
    }
    List<MaintenanceWindow> versions =
        web.maintenanceRecords().stream().filter(r -> r.key().equals(id)).map(r -> codec.decodeMaintenance(r.value())).toList();
    assertThat(versions).extracting(MaintenanceWindow::version).containsOnly(1L);
    assertThat(versions.get(versions.size() - 1)).isEqualTo(versions.get(0));
  }

  @Test
  void textIsStoredAsTextAndRenderedEscaped(WebFixture web) {
    String script = "<script>alert(1)</script>";
    WebFixture.Response r =
        web.post(API, "{\"title\":\"" + script + "\",\"description\":\"<img src=x onerror=alert(2)>\",\"scope\":{\"all\":true}," + WEEKLY + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    assertThat(r.json().get("title").asText()).isEqualTo(script);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String list = ui.get("/maintenance").body();
    assertThat(list).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(script, "<img src=x");
    String edit = ui.get("/maintenance/" + id(r) + "/edit").body();
    assertThat(edit).contains("&lt;script&gt;").doesNotContain(script).contains("id=\"maintenance-preview\"");
  }

  @Test
  void theFormCreatesPreviewsAndNamesBadFields(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String csrf = UiClient.csrf(ui.get("/maintenance/new").body());
    long rows = rows(web);
    Map<String, String> form = new java.util.LinkedHashMap<>();
    form.put("_csrf", csrf);
    form.put("title", "Form window");
    form.put("scope.tags", "db");
    form.put("schedule.type", "monthly");
    form.put("schedule.day", "31");
    form.put("schedule.at", "03:00");
    form.put("schedule.duration", "30");
    form.put("schedule.zone", "Mars/Olympus");
    HttpResponse<String> bad = ui.post("/maintenance", form);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"schedule.zone-error\"").contains("<strong>schedule.zone</strong>");
    assertThat(rows(web)).isEqualTo(rows);

    form.put("schedule.zone", "Europe/Berlin");
    form.put("preview", "1");
    HttpResponse<String> preview = ui.post("/maintenance", form);
    assertThat(preview.statusCode()).isEqualTo(200);
    assertThat(preview.body()).contains("id=\"maintenance-preview\"").contains("Europe/Berlin");
    assertThat(rows(web)).as("a preview stores nothing").isEqualTo(rows);

    form.remove("preview");
    HttpResponse<String> saved = ui.post("/maintenance", form);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
    assertThat(rows(web)).isEqualTo(rows + 1);
    assertThat(ui.get("/maintenance").body()).contains("Form window").contains("monthly on day 31");
  }

  static Stream<Arguments> badBodies() {
    String scope = "\"scope\":{\"all\":true}";
    String once = "\"schedule\":{\"type\":\"once\",\"start\":\"2026-05-01T20:00:00Z\",\"end\":\"2026-05-02T04:00:00Z\"}";
    List<Arguments> cases = new ArrayList<>();
    // cron expressions
    for (String cron : List.of("", "* * *", "61 * * * *", "0 25 * * *", "0 0 30 2 *", "not cron", "0 0 * * 8", "@daily", "0 0 1 1 * 2030")) {
      cases.add(Arguments.of("cron " + cron, "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"cron\",\"cron\":\"" + cron + "\",\"duration\":\"PT1H\",\"zone\":\"UTC\"}}", "schedule.cron"));
    }
    // time zones
    for (String zone : List.of("Mars/Olympus", "", "utc+25", "Europe/", "../etc/passwd", "GMT+99")) {
      cases.add(Arguments.of("zone " + zone, "{\"title\":\"t\"," + scope + "," + WEEKLY.replace("Europe/Berlin", zone) + "}", "schedule.zone"));
    }
    cases.add(Arguments.of("zone on once", "{\"title\":\"t\"," + scope + "," + once.replace("}", ",\"zone\":\"UTC\"}") + "}", "schedule.zone"));
    // overlapping occurrences of one schedule
    cases.add(Arguments.of("weekly overlap", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"weekly\",\"days\":[\"MON\",\"TUE\"],\"at\":\"22:00\",\"duration\":\"PT25H\",\"zone\":\"UTC\"}}", "schedule.duration"));
    cases.add(Arguments.of("cron overlap", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"cron\",\"cron\":\"*/10 * * * *\",\"duration\":\"PT11M\",\"zone\":\"UTC\"}}", "schedule.duration"));
    cases.add(Arguments.of("duration seconds", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"monthly\",\"day\":1,\"at\":\"03:00\",\"duration\":\"PT90S\",\"zone\":\"UTC\"}}", "schedule.duration"));
    cases.add(Arguments.of("duration 8 days", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"monthly\",\"day\":1,\"at\":\"03:00\",\"duration\":\"P8D\",\"zone\":\"UTC\"}}", "schedule.duration"));
    cases.add(Arguments.of("end before start", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"once\",\"start\":\"2026-05-02T00:00:00Z\",\"end\":\"2026-05-01T00:00:00Z\"}}", "schedule.end"));
    cases.add(Arguments.of("day 32", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"monthly\",\"day\":32,\"at\":\"03:00\",\"duration\":\"PT1H\",\"zone\":\"UTC\"}}", "schedule.day"));
    cases.add(Arguments.of("at 24:00", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"monthly\",\"day\":1,\"at\":\"24:00\",\"duration\":\"PT1H\",\"zone\":\"UTC\"}}", "schedule.at"));
    cases.add(Arguments.of("no days", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"weekly\",\"days\":[],\"at\":\"03:00\",\"duration\":\"PT1H\",\"zone\":\"UTC\"}}", "schedule.days"));
    cases.add(Arguments.of("bad day", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"weekly\",\"days\":[\"FUN\"],\"at\":\"03:00\",\"duration\":\"PT1H\",\"zone\":\"UTC\"}}", "schedule.days[0]"));
    cases.add(Arguments.of("type", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"daily\"}}", "schedule.type"));
    cases.add(Arguments.of("no type", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"start\":\"2026-05-01T20:00:00Z\"}}", "schedule.type"));
    cases.add(Arguments.of("unknown schedule field", "{\"title\":\"t\"," + scope + ",\"schedule\":{\"type\":\"once\",\"start\":\"2026-05-01T20:00:00Z\",\"end\":\"2026-05-02T04:00:00Z\",\"every\":2}}", "schedule.every"));
    cases.add(Arguments.of("no schedule", "{\"title\":\"t\"," + scope + "}", "schedule"));
    // scope
    cases.add(Arguments.of("all with tags", "{\"title\":\"t\",\"scope\":{\"all\":true,\"tags\":[\"db\"]}," + once + "}", "scope.all"));
    cases.add(Arguments.of("all with targets", "{\"title\":\"t\",\"scope\":{\"all\":true,\"targets\":[\"x\"]}," + once + "}", "scope.all"));
    cases.add(Arguments.of("empty scope", "{\"title\":\"t\",\"scope\":{}," + once + "}", "scope"));
    cases.add(Arguments.of("unknown target", "{\"title\":\"t\",\"scope\":{\"targets\":[\"no-such-target\"]}," + once + "}", "scope.targets[0]"));
    cases.add(Arguments.of("bad target id", "{\"title\":\"t\",\"scope\":{\"targets\":[\"bad id!\"]}," + once + "}", "scope.targets[0]"));
    cases.add(Arguments.of("duplicate target", "{\"title\":\"t\",\"scope\":{\"targets\":[\"a\",\"a\"]}," + once + "}", "scope.targets[1]"));
    cases.add(Arguments.of("bad tag", "{\"title\":\"t\",\"scope\":{\"tags\":[\"a b\"]}," + once + "}", "scope.tags[0]"));
    cases.add(Arguments.of("no scope", "{\"title\":\"t\"," + once + "}", "scope"));
    // title, description, body
    cases.add(Arguments.of("empty title", "{\"title\":\"\"," + scope + "," + once + "}", "title"));
    cases.add(Arguments.of("no title", "{" + scope + "," + once + "}", "title"));
    cases.add(Arguments.of("long title", "{\"title\":\"" + "t".repeat(201) + "\"," + scope + "," + once + "}", "title"));
    cases.add(Arguments.of("control title", "{\"title\":\"a\\u0007b\"," + scope + "," + once + "}", "title"));
    cases.add(Arguments.of("title number", "{\"title\":5," + scope + "," + once + "}", "title"));
    cases.add(Arguments.of("long description", "{\"title\":\"t\",\"description\":\"" + "d".repeat(2001) + "\"," + scope + "," + once + "}", "description"));
    cases.add(Arguments.of("unknown field", "{\"title\":\"t\",\"muted\":true," + scope + "," + once + "}", "muted"));
    cases.add(Arguments.of("bad JSON", "{\"title\":\"t\",", "body"));
    cases.add(Arguments.of("not an object", "[1,2]", "body"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void badInputIsRefusedNamingTheFieldAndNothingIsStored(String name, String json, String field, WebFixture web) {
    String stored = API + "/" + existing(web);
    String current = web.get(stored).body();
    long before = rows(web);
    long offset = WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic);
    for (String method : List.of("POST", "PUT")) {
      String path = method.equals("POST") ? API : stored;
      WebFixture.Response r = web.send(method, path, Optional.of(WebFixture.TOKEN), Optional.of(json), "application/json");
      assertThat(r.status()).as(method + " " + r.body()).isEqualTo(400);
      List<String> names = new ArrayList<>();
      r.json().get("fields").forEach(f -> names.add(f.get("field").asText()));
      assertThat(names).as(method + " " + r.body()).contains(field);
    }
    assertThat(rows(web)).isEqualTo(before);
    assertThat(web.get(stored).body()).as("the PUT changed nothing").isEqualTo(current);
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.maintenanceTopic)).isEqualTo(offset);
  }

  private String existingId;

  /** A window the PUT cases try to change (created once, before the corpus counts). */
  private synchronized String existing(WebFixture web) {
    if (existingId == null) {
      existingId = id(web.post(API, once("target of bad PUTs", Instant.parse("2031-01-01T00:00:00Z"), Instant.parse("2031-01-02T00:00:00Z"))));
    }
    return existingId;
  }

  private static String once(String title, Instant start, Instant end) {
    return "{\"title\":\"" + title + "\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"" + start + "\",\"end\":\"" + end + "\"}}";
  }

  private static String id(WebFixture.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  private static List<String> ids(WebFixture web, String query) {
    WebFixture.Response r = web.get(API + query);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items").findValuesAsText("id");
  }

  private static long rows(WebFixture web) {
    return web.queryLong("SELECT count(*) FROM maintenance_window");
  }

  private static Optional<ConsumerRecord<String, byte[]>> latest(WebFixture web, String id) {
    List<ConsumerRecord<String, byte[]>> all = web.maintenanceRecords().stream().filter(r -> r.key().equals(id)).toList();
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }
}
