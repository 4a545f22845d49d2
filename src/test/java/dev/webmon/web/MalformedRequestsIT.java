package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every route of the REST API (docs/api.md, web/openapi.json) sent malformed requests: bodies
 * that are no JSON, JSON of the wrong shape, unknown and missing fields, wrong types, huge
 * strings, invalid UTF-8, NUL characters, a wrong Content-Type; ids and query parameters that are
 * not numbers, negative, overflowing or absent; If-Match garbage; ids that do not exist. Each
 * must be the right 4xx with a JSON error naming the problem (the field, or a message for a 404),
 * never a 500 or a stack trace, and leave every table and topic the web writes as it was. One
 * table of cases over one started app; BadInputIT holds the value rules of each resource. (Over
 * 400 lines: one table of every route's malformed requests, sharing one fixture and one check.)
 */
@ExtendWith(WebExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedRequestsIT {
  private static final String API = "/api/v1";
  /** Placeholders in the table's paths, replaced with the ids made in {@link #createOneOfEach}. */
  private static final String TARGET = "{target}";
  private static final String WINDOW = "{window}";
  private static final String INCIDENT = "{incident}";
  private static final String POST_ID = "{post}";
  private static final String COMPONENT = "{component}";
  private static final String JSON = "application/json";
  private static final String HUGE = "x".repeat(1024 * 1024);

  private final Map<String, String> ids = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private KafkaConsumer<byte[], byte[]> offsets;
  private List<TopicPartition> partitions;

  /** One request of the table and what it must get. {@code field} null: only a message (404, 412). */
  record Case(String name, String method, String path, Map<String, String> headers, byte[] body, int status, String field) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  void createOneOfEach(WebFixture web) throws Exception {
    ids.put(TARGET, created(web.post(API + "/targets", "{\"url\":\"https://example.com/\",\"name\":\"existing\"}")).get("id").asText());
    created(web.post(API + "/alert-policies", "{\"name\":\"existing-policy\",\"quorum\":2}"));
    created(web.post(API + "/channels",
        "{\"id\":\"existing-hook\",\"type\":\"webhook\",\"name\":\"h\",\"settings\":{\"url\":\"https://hooks.example.com/x\",\"secret\":\"0123456789abcdef\"}}"));
    ids.put(WINDOW, created(web.post(API + "/maintenance",
        "{\"title\":\"w\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"2030-01-01T00:00:00Z\",\"end\":\"2030-01-01T01:00:00Z\"}}"))
        .get("id").asText());
    created(web.post(API + "/status-pages", "{\"slug\":\"existing\",\"title\":\"Existing\"}"));
    ids.put(COMPONENT, created(web.post(API + "/status-pages/existing/components",
        "{\"name\":\"C\",\"targets\":[\"" + ids.get(TARGET) + "\"]}")).get("id").asText());
    ids.put(POST_ID, created(web.post(API + "/status-pages/existing/posts",
        "{\"title\":\"T\",\"status\":\"investigating\",\"body\":\"b\"}")).get("id").asText());
    UUID incident = UUID.randomUUID();
    dev.webmon.store.IncidentRows.incident(web.db, incident, ids.get(TARGET), "down", "open", Instant.now(), null, UUID.randomUUID(), "[]");
    ids.put(INCIDENT, incident.toString());
    // The web app publishes the seeded default policy once at start: wait, so that offsets stay still.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> web.queryLong("SELECT count(*) FROM alert_policy WHERE NOT published") == 0);
    Properties p = new Properties();
    p.putAll(new HashMap<>(web.kafka.kafkaConfig().clientProperties()));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    offsets = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    partitions = new ArrayList<>();
    for (String topic : List.of(web.topic, web.policyTopic, web.maintenanceTopic, web.commandsTopic)) {
      offsets.partitionsFor(topic, Duration.ofSeconds(10)).forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
    }
  }

  @AfterAll
  void closeConsumer() {
    offsets.close();
  }

  // ---------------------------------------------------------------- the table

  /** The write routes that take a JSON object, each with a body it would accept but for one change. */
  private static final List<String[]> JSON_WRITES =
      List.of(
          new String[] {"POST", API + "/targets", "{\"url\":\"https://example.com/a\",\"name\":\"n\"}", "name"},
          new String[] {"PUT", API + "/targets/" + TARGET, "{\"url\":\"https://example.com/a\",\"name\":\"n\"}", "name"},
          new String[] {"POST", API + "/alert-policies", "{\"name\":\"fresh\",\"quorum\":1}", "name"},
          new String[] {"PUT", API + "/alert-policies/existing-policy", "{\"name\":\"existing-policy\",\"quorum\":1}", "name"},
          new String[] {"POST", API + "/channels",
              "{\"type\":\"webhook\",\"name\":\"n\",\"settings\":{\"url\":\"https://hooks.example.com/y\",\"secret\":\"0123456789abcdef\"}}", "name"},
          new String[] {"PUT", API + "/channels/existing-hook",
              "{\"type\":\"webhook\",\"name\":\"n\",\"settings\":{\"url\":\"https://hooks.example.com/y\",\"secret\":\"0123456789abcdef\"}}", "name"},
          new String[] {"POST", API + "/maintenance",
              "{\"title\":\"n\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"2031-01-01T00:00:00Z\",\"end\":\"2031-01-01T01:00:00Z\"}}", "title"},
          new String[] {"PUT", API + "/maintenance/" + WINDOW,
              "{\"title\":\"n\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"2031-01-01T00:00:00Z\",\"end\":\"2031-01-01T01:00:00Z\"}}", "title"},
          new String[] {"POST", API + "/status-pages", "{\"slug\":\"fresh\",\"title\":\"n\"}", "title"},
          new String[] {"PUT", API + "/status-pages/existing", "{\"title\":\"n\"}", "title"},
          new String[] {"POST", API + "/status-pages/existing/components", "{\"name\":\"n\",\"targets\":[\"" + TARGET + "\"]}", "name"},
          new String[] {"POST", API + "/status-pages/existing/posts", "{\"title\":\"n\",\"status\":\"identified\",\"body\":\"b\"}", "title"},
          new String[] {"POST", API + "/status-pages/existing/posts/" + POST_ID + "/updates", "{\"status\":\"identified\",\"body\":\"n\"}", "body"},
          new String[] {"POST", API + "/incidents/" + INCIDENT + "/ack", "{\"note\":\"n\"}", "note"});

  static Stream<Case> cases() {
    List<Case> all = new ArrayList<>();
    for (String[] w : JSON_WRITES) {
      String method = w[0];
      String path = w[1];
      String good = w[2];
      String field = w[3];
      String at = method + " " + path + ": ";
      all.add(json(at + "not JSON", method, path, "{\"a\":", 400, "body"));
      all.add(json(at + "a JSON array", method, path, "[" + good + "]", 400, "body"));
      all.add(json(at + "a JSON string", method, path, "\"text\"", 400, "body"));
      all.add(json(at + "a JSON number", method, path, "42", 400, "body"));
      all.add(json(at + "JSON null", method, path, "null", 400, "body"));
      all.add(json(at + "two documents", method, path, good + good, 400, "body"));
      all.add(json(at + "trailing comma", method, path, good.substring(0, good.length() - 1) + ",}", 400, "body"));
      all.add(json(at + "NaN", method, path, good.substring(0, good.length() - 1) + ",\"zz\":NaN}", 400, "body"));
      all.add(json(at + "comment", method, path, "/* c */" + good, 400, "body"));
      all.add(json(at + "duplicate key", method, path, good.replace("\"" + field + "\":", "\"" + field + "\":\"a\",\"" + field + "\":"), 400, "body"));
      all.add(json(at + "unknown field", method, path, good.substring(0, good.length() - 1) + ",\"zzUnknown\":1}", 400, "zzUnknown"));
      all.add(json(at + "field of the wrong type (number)", method, path, replaceValue(good, field, "12345"), 400, field));
      all.add(json(at + "field of the wrong type (object)", method, path, replaceValue(good, field, "{\"a\":1}"), 400, field));
      all.add(json(at + "field with NUL", method, path, replaceValue(good, field, "\"a\\u0000b\""), 400, field));
      // A maintenance window's body is one event, and the event contract's 64 KiB limit names it.
      all.add(json(at + "field of 1 MiB", method, path, replaceValue(good, field, "\"" + HUGE + "\""), 400, path.contains("/maintenance") ? "body" : field));
      all.add(json(at + "lone surrogate", method, path, replaceValue(good, field, "\"a\\ud800b\""), 400, field));
      all.add(bytes(at + "invalid UTF-8", method, path, Map.of("Content-Type", JSON), invalidUtf8(good, field), 400, "body"));
      all.add(bytes(at + "raw NUL byte in a string", method, path, Map.of("Content-Type", JSON), rawNul(good, field), 400, "body"));
      all.add(bytes(at + "text/plain", method, path, Map.of("Content-Type", "text/plain"), utf8(good), 400, "body"));
      all.add(bytes(at + "form encoded", method, path, Map.of("Content-Type", "application/x-www-form-urlencoded"), utf8("name=x"), 400, "body"));
      all.add(bytes(at + "no Content-Type", method, path, Map.of(), utf8(good), 400, "body"));
      if (!path.endsWith("/ack") && !path.endsWith("existing-policy")) { // an empty ack, a policy of built-in values: both fine
        all.add(json(at + "empty object", method, path, "{}", 400, null));
        all.add(bytes(at + "empty body", method, path, Map.of("Content-Type", JSON), new byte[0], 400, "body"));
      }
    }
    // Required fields, one case each.
    all.add(json("POST targets without url", "POST", API + "/targets", "{\"name\":\"n\"}", 400, "url"));
    all.add(json("POST policy without name", "POST", API + "/alert-policies", "{\"quorum\":1}", 400, "name"));
    all.add(json("POST channel without type", "POST", API + "/channels", "{\"name\":\"n\",\"settings\":{}}", 400, "type"));
    all.add(json("POST channel without settings", "POST", API + "/channels", "{\"type\":\"webhook\",\"name\":\"n\"}", 400, "settings.url"));
    all.add(json("POST maintenance without title", "POST", API + "/maintenance",
        "{\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"2031-01-01T00:00:00Z\",\"end\":\"2031-01-01T01:00:00Z\"}}", 400, "title"));
    all.add(json("POST maintenance without scope", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"schedule\":{\"type\":\"once\",\"start\":\"2031-01-01T00:00:00Z\",\"end\":\"2031-01-01T01:00:00Z\"}}", 400, "scope"));
    all.add(json("POST maintenance without schedule", "POST", API + "/maintenance", "{\"title\":\"t\",\"scope\":{\"all\":true}}", 400, "schedule"));
    all.add(json("POST maintenance schedule of the wrong type", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":[1]}", 400, "schedule"));
    all.add(json("POST maintenance start not an instant", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"tomorrow\",\"end\":\"2031-01-01T01:00:00Z\"}}", 400, "schedule.start"));
    all.add(json("POST maintenance start in year 300000", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"once\",\"start\":\"+300000-01-01T00:00:00Z\",\"end\":\"+300000-01-01T01:00:00Z\"}}", 400, "schedule.start"));
    all.add(json("POST maintenance monthly day as text", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"monthly\",\"day\":\"1\",\"at\":\"03:00\",\"duration\":\"PT30M\",\"zone\":\"UTC\"}}", 400, "schedule.day"));
    all.add(json("POST maintenance monthly day overflowing", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"monthly\",\"day\":99999999999999999999,\"at\":\"03:00\",\"duration\":\"PT30M\",\"zone\":\"UTC\"}}", 400, "schedule.day"));
    all.add(json("POST maintenance duration overflowing", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"all\":true},\"schedule\":{\"type\":\"weekly\",\"days\":[\"SAT\"],\"at\":\"02:00\",\"duration\":\"PT99999999999999999999H\",\"zone\":\"UTC\"}}", 400, "schedule.duration"));
    all.add(json("POST maintenance scope target with NUL", "POST", API + "/maintenance",
        "{\"title\":\"t\",\"scope\":{\"targets\":[\"a\\u0000\"]},\"schedule\":{\"type\":\"once\",\"start\":\"2031-01-01T00:00:00Z\",\"end\":\"2031-01-01T01:00:00Z\"}}", 400, "scope.targets[0]"));
    all.add(json("POST status page without slug", "POST", API + "/status-pages", "{\"title\":\"t\"}", 400, "slug"));
    all.add(json("POST status page slug with NUL", "POST", API + "/status-pages", "{\"slug\":\"a\\u0000\",\"title\":\"t\"}", 400, "slug"));
    all.add(json("POST status page logo not base64", "POST", API + "/status-pages",
        "{\"slug\":\"logo\",\"title\":\"t\",\"logo\":{\"type\":\"image/png\",\"data\":\"!!!\"}}", 400, "logo.data"));
    all.add(json("POST component without targets", "POST", API + "/status-pages/existing/components", "{\"name\":\"n\"}", 400, "targets"));
    all.add(json("POST component position overflowing", "POST", API + "/status-pages/existing/components",
        "{\"name\":\"n\",\"targets\":[\"" + TARGET + "\"],\"position\":99999999999999999999}", 400, "position"));
    all.add(json("POST component position negative", "POST", API + "/status-pages/existing/components",
        "{\"name\":\"n\",\"targets\":[\"" + TARGET + "\"],\"position\":-1}", 400, "position"));
    all.add(json("POST post without status", "POST", API + "/status-pages/existing/posts", "{\"title\":\"t\",\"body\":\"b\"}", 400, "status"));
    all.add(json("POST update without body", "POST", API + "/status-pages/existing/posts/" + POST_ID + "/updates", "{\"status\":\"resolved\"}", 400, "body"));
    all.add(json("POST update body with NUL", "POST", API + "/status-pages/existing/posts/" + POST_ID + "/updates",
        "{\"status\":\"resolved\",\"body\":\"a\\u0000b\"}", 400, "body"));
    all.add(json("POST ack note with NUL", "POST", API + "/incidents/" + INCIDENT + "/ack", "{\"note\":\"a\\u0000b\"}", 400, "note"));
    // Import (YAML).
    all.add(bytes("POST import not YAML", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"), utf8("targets: [\n  - {"), 400, "body"));
    all.add(bytes("POST import targets not a list", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"), utf8("targets: 5"), 400, "targets"));
    all.add(bytes("POST import invalid UTF-8", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"),
        invalidUtf8("targets:\n  - url: https://example.com/\n    name: \"n\"\n", "name"), 400, "body"));
    all.add(bytes("POST import NUL in a name", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"),
        utf8("targets:\n  - url: https://example.com/\n    name: \"a\\0b\"\n"), 400, "targets[0].name"));
    all.add(bytes("POST import empty", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"), new byte[0], 400, "targets"));
    all.add(bytes("POST import unknown field", "POST", API + "/targets/import", Map.of("Content-Type", "application/yaml"),
        utf8("targets:\n  - url: https://example.com/\n    colour: red\n"), 400, "targets[0].colour"));
    // If-Match.
    for (String path : List.of(API + "/targets/" + TARGET, API + "/alert-policies/existing-policy", API + "/channels/existing-hook", API + "/maintenance/" + WINDOW)) {
      String good = JSON_WRITES.stream().filter(w -> w[0].equals("PUT") && w[1].equals(path)).findFirst().orElseThrow()[2];
      for (String garbage : List.of("garbage", "\"\"", "\"abc\"", "\"99999999999999999999\"", "W/", "\"1\" \"2\"")) {
        all.add(bytes("PUT " + path + ": If-Match " + garbage, "PUT", path, Map.of("Content-Type", JSON, "If-Match", garbage), utf8(good), 400, "If-Match"));
      }
      all.add(bytes("PUT " + path + ": If-Match stale", "PUT", path, Map.of("Content-Type", JSON, "If-Match", "\"999\""), utf8(good), 412, null));
      all.add(bytes("PUT " + path + ": If-Match negative", "PUT", path, Map.of("Content-Type", JSON, "If-Match", "\"-1\""), utf8(good), 400, "If-Match"));
    }
    // Query parameters.
    String target = API + "/targets/" + TARGET;
    for (String[] q : new String[][] {
      {API + "/targets?size=abc", "size"}, {API + "/targets?size=-1", "size"}, {API + "/targets?size=99999999999999999999", "size"},
      {API + "/targets?page=abc", "page"}, {API + "/targets?page=0", "page"}, {API + "/targets?page=99999999999999999999", "page"},
      {API + "/targets?interval=abc", "interval"}, {API + "/targets?interval=-60", "interval"}, {API + "/targets?interval=99999999999", "interval"},
      {API + "/targets?status=UP%00", "status"}, {API + "/targets?sort=%00", "sort"},
      {API + "/targets?q=a%00b", "q"}, {API + "/targets?q=" + "q".repeat(201), "q"}, {API + "/targets?tag=a%00b", "tag"},
      {target + "/results?limit=abc", "limit"}, {target + "/results?limit=-1", "limit"}, {target + "/results?limit=0", "limit"},
      {target + "/results?limit=99999999999999999999", "limit"}, {target + "/results?from=2026-13-01T00:00:00Z", "from"},
      {target + "/results?from=1700000000", "from"}, {target + "/results?to=now", "to"},
      {target + "/results?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", "from"},
      {target + "/results?location=a%00b", "location"}, {target + "/results?location=" + "l".repeat(65), "location"},
      {target + "/results?outcome=%00", "outcome"}, {target + "/results?cursor=" + cursor("-9223372036854775808:" + UUID.randomUUID()), "cursor"},
      {target + "/results?cursor=" + cursor("9223372036854775807:" + UUID.randomUUID()), "cursor"},
      {target + "/results?cursor=" + cursor("1:not-a-uuid"), "cursor"}, {target + "/results?cursor=%00", "cursor"},
{target + "/stats?window=-1h", "window"}, {target + "/stats?window=99999999999999999999h", "window"},
      {target + "/series?window=0h", "window"}, {target + "/series?from=x", "from"}, {target + "/series?location=%00", "location"},
      {API + "/incidents?limit=abc", "limit"}, {API + "/incidents?limit=-5", "limit"}, {API + "/incidents?limit=99999999999999999999", "limit"},
      {API + "/incidents?state=open%00", "state"}, {API + "/incidents?severity=%00", "severity"}, {API + "/incidents?targetId=a%00", "targetId"},
      {API + "/incidents?from=2026-02-30T00:00:00Z", "from"}, {API + "/incidents?to=-1", "to"},
      {API + "/incidents?cursor=" + cursor("r:-9223372036854775808:" + UUID.randomUUID()), "cursor"},
      {API + "/incidents?cursor=" + cursor("a:9223372036854775807:" + UUID.randomUUID()), "cursor"},
      {API + "/incidents?cursor=" + cursor("a:x:y"), "cursor"},
      {API + "/maintenance?state=ACTIVE", "state"}, {API + "/maintenance?state=%00", "state"},
    }) {
      all.add(get("GET " + q[0].replace(TARGET, "{target}"), q[0], 400, q[1]));
    }
    // Ids that do not exist or cannot be ids: 404 with a message, whatever the method.
    String[] badIds = {"nope", "-1", "99999999999999999999", "%00", "a%20b", "x".repeat(300), "%F0%9F%92%A9", "..%2F..%2Fetc"};
    for (String bad : badIds) {
      String shown = bad.length() > 20 ? bad.substring(0, 20) + "..." : bad;
      for (String[] r : new String[][] {
        {"GET", API + "/targets/" + bad}, {"PUT", API + "/targets/" + bad}, {"DELETE", API + "/targets/" + bad},
        {"GET", API + "/targets/" + bad + "/results"}, {"GET", API + "/targets/" + bad + "/stats"}, {"GET", API + "/targets/" + bad + "/series"},
        {"GET", API + "/alert-policies/" + bad}, {"PUT", API + "/alert-policies/" + bad}, {"DELETE", API + "/alert-policies/" + bad},
        {"GET", API + "/channels/" + bad}, {"PUT", API + "/channels/" + bad}, {"DELETE", API + "/channels/" + bad},
        {"POST", API + "/channels/" + bad + "/test"}, {"GET", API + "/channels/" + bad + "/deliveries"},
        {"GET", API + "/incidents/" + bad}, {"POST", API + "/incidents/" + bad + "/ack"}, {"GET", API + "/incidents/" + bad + "/deliveries"},
        {"GET", API + "/maintenance/" + bad}, {"PUT", API + "/maintenance/" + bad}, {"DELETE", API + "/maintenance/" + bad},
        {"GET", API + "/status-pages/" + bad}, {"PUT", API + "/status-pages/" + bad}, {"DELETE", API + "/status-pages/" + bad},
        {"POST", API + "/status-pages/" + bad + "/components"}, {"GET", API + "/status-pages/" + bad + "/posts"},
        {"POST", API + "/status-pages/" + bad + "/posts"},
        {"DELETE", API + "/status-pages/existing/components/" + bad}, {"GET", API + "/status-pages/existing/posts/" + bad},
        {"DELETE", API + "/status-pages/existing/posts/" + bad}, {"POST", API + "/status-pages/existing/posts/" + bad + "/updates"},
      }) {
        String body = r[0].equals("GET") || r[0].equals("DELETE") ? null : goodBody(r[1]);
        // Jetty refuses a path with %00 before any route: 400, in the API's JSON all the same.
        all.add(new Case(r[0] + " " + r[1].replace(bad, shown), r[0], r[1], body == null ? Map.of() : Map.of("Content-Type", JSON),
            body == null ? null : utf8(body), bad.equals("%00") ? 400 : 404, null));
      }
    }
    // Ids of the right form that name nothing.
    String uuid = UUID.randomUUID().toString();
    for (String[] r : new String[][] {
      {"GET", API + "/incidents/" + uuid}, {"POST", API + "/incidents/" + uuid + "/ack"}, {"GET", API + "/incidents/" + uuid + "/deliveries"},
      {"GET", API + "/maintenance/" + uuid}, {"DELETE", API + "/maintenance/" + uuid},
      {"DELETE", API + "/status-pages/existing/components/999999"}, {"GET", API + "/status-pages/existing/posts/999999"},
      {"POST", API + "/status-pages/existing/posts/999999/updates"},
    }) {
      String body = r[0].equals("POST") ? goodBody(r[1]) : null;
      all.add(new Case(r[0] + " " + r[1] + " (no such)", r[0], r[1], body == null ? Map.of() : Map.of("Content-Type", JSON),
          body == null ? null : utf8(body), 404, null));
    }
    // Numbers JSON allows that no field takes.
    all.add(json("POST policy quorum 1e400", "POST", API + "/alert-policies", "{\"name\":\"big\",\"quorum\":1e400}", 400, "quorum"));
    all.add(json("POST policy quorum -0.0", "POST", API + "/alert-policies", "{\"name\":\"big\",\"quorum\":-0.0}", 400, "quorum"));
    all.add(json("POST component position 1e400", "POST", API + "/status-pages/existing/components",
        "{\"name\":\"n\",\"targets\":[\"" + TARGET + "\"],\"position\":1e400}", 400, "position"));
    // Broken percent-encoding, a method no route has, a request line over Jetty's limit.
    all.add(get("GET targets?q=%zz", API + "/targets?q=%zz", 400, "q"));
    all.add(get("GET incidents?limit=%", API + "/incidents?limit=%", 400, "limit"));
    all.add(get("GET targets/%zz", API + "/targets/%zz", 400, null));
    all.add(new Case("PATCH a target (no such route)", "PATCH", API + "/targets/" + TARGET, Map.of("Content-Type", JSON), utf8("{}"), 404, null));
    all.add(get("GET targets with a 64 KiB query", API + "/targets?q=" + "q".repeat(64 * 1024), 414, null));
    // A body over the request limit.
    all.add(bytes("POST targets over 16 MiB", "POST", API + "/targets", Map.of("Content-Type", JSON),
        utf8("{\"name\":\"" + "x".repeat(Json.MAX_BODY_BYTES) + "\"}"), 413, null));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void isRefusedWithAClearErrorAndNothingChanges(Case c, WebFixture web) {
    Map<String, Object> before = state(web);
    WebFixture.Response r = send(web, c);
    String body = r.body();
    assertThat(r.status()).as(c.name() + ": " + body).isEqualTo(c.status());
    assertThat(r.header("Content-Type")).as(c.name() + ": " + body).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(body).as(c.name()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("Internal error");
    JsonNode json = r.json();
    assertThat(json.get("status").asInt()).isEqualTo(c.status());
    assertThat(json.path("message").asText()).as(body).isNotBlank();
    if (c.field() != null) {
      List<String> fields = new ArrayList<>();
      json.path("fields").forEach(f -> fields.add(f.get("field").asText()));
      assertThat(fields).as(c.name() + ": " + body).contains(c.field());
      json.path("fields").forEach(f -> assertThat(f.path("message").asText()).as(body).isNotBlank());
    }
    assertThat(body.length()).as("an error names the problem, not the input").isLessThan(16 * 1024);
    assertThat(state(web)).as(c.name() + ": tables and topics").isEqualTo(before);
  }

  /** The pages (a logged-in session) and public routes: bad ids and parameters are a 4xx page, never a 500. */
  static Stream<String> pages() {
    String t = TARGET;
    return Stream.of(
        "/targets?page=abc", "/targets?page=99999999999999999999", "/targets?size=-1", "/targets?q=a%00b", "/targets?status=%00",
        "/targets?sort=%00", "/targets/" + t + "?window=abc", "/targets/" + t + "?window=-1h",
        "/targets/" + t + "?location=%00", "/targets/" + t + "?outcome=%00", "/targets/nope", "/targets/nope/edit",
        "/targets/" + "x".repeat(300), "/frequencies?view=%00", "/incidents?state=sideways", "/incidents?limit=abc",
        "/incidents?cursor=garbage", "/incidents?from=yesterday", "/incidents/nope", "/incidents/" + UUID.randomUUID(),
        "/maintenance?state=%00", "/maintenance/nope/edit", "/maintenance/" + UUID.randomUUID() + "/edit",
        "/channels?type=%00", "/channels/new?type=pigeon", "/channels/nope/edit", "/alert-policies/nope/edit",
        "/alert-policies/%3Cscript%3E/edit", "/status-pages/nope/edit", "/status/nope", "/status/existing?page=abc",
        "/status/existing?page=-1", "/status/existing?page=99999999999999999999", "/status/existing?page=%00",
        "/status/existing.json?page=abc", "/status/nope.json", "/status/nope/feed.atom", "/status/existing/logo",
        "/status/nope/logo", "/badge/" + t + "/nope", "/badge/nope/uptime", "/badge/" + t + "/uptime?window=abc",
        "/badge/" + t + "/uptime.svg?window=%00", "/login?next=%00", "/login?next=http://evil.example/");
  }

  @ParameterizedTest(name = "GET {0}")
  @MethodSource("pages")
  void aPageWithBadInputIsAClientErrorNeverA500(String path, WebFixture web) {
    if (ui == null) {
      ui = new UiClient(web.base());
      assertThat(ui.login(WebFixture.PASSWORD).statusCode()).isEqualTo(303);
    }
    String resolved = path;
    for (Map.Entry<String, String> e : ids.entrySet()) {
      resolved = resolved.replace(e.getKey(), e.getValue());
    }
    HttpResponse<String> r = ui.get(resolved);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isLessThan(500);
    assertThat(r.body()).as(path).doesNotContain("Internal error").doesNotContain("Exception").doesNotContain("\tat dev.webmon");
  }

  private UiClient ui;

  // ---------------------------------------------------------------- helpers

  /** A body the write route of {@code path} accepts ({@code {}} where it reads none), so that only the id is wrong. */
  private static String goodBody(String path) {
    String template =
        path.replaceFirst("^/api/v1/(targets|alert-policies|channels|maintenance|status-pages)/[^/]+", "/api/v1/$1/ID")
            .replaceFirst("/posts/[^/]+/updates$", "/posts/ID/updates");
    if (template.equals("/api/v1/alert-policies/ID")) {
      return "{\"quorum\":1}"; // the name is the path's
    }
    for (String[] w : JSON_WRITES) {
      String known =
          w[1].replaceFirst("^/api/v1/(targets|alert-policies|channels|maintenance|status-pages)/[^/]+", "/api/v1/$1/ID")
              .replaceFirst("/posts/[^/]+/updates$", "/posts/ID/updates");
      if (known.equals(template) && !w[1].endsWith("/ack")) {
        return w[2];
      }
    }
    return "{}";
  }

  private WebFixture.Response send(WebFixture web, Case c) {
    String path = c.path();
    for (Map.Entry<String, String> e : ids.entrySet()) {
      path = path.replace(e.getKey(), e.getValue());
    }
    if (BROKEN_ESCAPE.matcher(path).find()) {
      return sendRaw(web, c.method(), path); // java.net.URI refuses to send these
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofSeconds(60));
    b.header("Authorization", "Bearer " + WebFixture.TOKEN);
    c.headers().forEach(b::header);
    byte[] body = c.body();
    if (body != null) {
      String text = new String(body, StandardCharsets.ISO_8859_1);
      for (Map.Entry<String, String> e : ids.entrySet()) {
        text = text.replace(e.getKey(), e.getValue());
      }
      body = text.getBytes(StandardCharsets.ISO_8859_1);
    }
    b.method(c.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new WebFixture.Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new IllegalStateException(c.name(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /** A body-less request written to the socket as it is, and its answer (the connection closes after it). */
  private static WebFixture.Response sendRaw(WebFixture web, String method, String target) {
    try (Socket socket = new Socket("127.0.0.1", web.app.port())) {
      socket.setSoTimeout(30_000);
      String request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + WebFixture.TOKEN
          + "\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int end = answer.indexOf("\r\n\r\n");
      String[] head = answer.substring(0, end).split("\r\n");
      Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        headers.computeIfAbsent(head[i].substring(0, colon).strip(), k -> new ArrayList<>()).add(head[i].substring(colon + 1).strip());
      }
      String body = answer.substring(end + 4);
      if (headers.getOrDefault("Transfer-Encoding", List.of()).contains("chunked")) {
        body = dechunk(body);
      }
      return new WebFixture.Response(Integer.parseInt(head[0].split(" ")[1]), body, HttpHeaders.of(headers, (a, b) -> true));
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + target, e);
    }
  }

  private static String dechunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", at);
      int size = Integer.parseInt(chunked.substring(at, eol).strip(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size); // ASCII bodies: characters are bytes
      at = eol + 2 + size + 2;
    }
  }

  /** Row counts and versions of every table the web writes, and the end offsets of every topic it publishes to. */
  private Map<String, Object> state(WebFixture web) {
    Map<String, Object> s = new LinkedHashMap<>();
    List<String> counts = List.of(
        "(SELECT count(*) + coalesce(sum(version), 0) FROM target)",
        "(SELECT count(*) + coalesce(sum(version), 0) FROM alert_policy)",
        "(SELECT count(*) + coalesce(sum(version), 0) FROM notify_channel)",
        "(SELECT count(*) + coalesce(sum(version), 0) FROM maintenance_window)",
        "(SELECT count(*) FROM status_page)",
        "(SELECT count(*) FROM status_component)",
        "(SELECT count(*) FROM status_post)",
        "(SELECT count(*) FROM status_post_update)",
        "(SELECT count(*) FROM notification)",
        "(SELECT count(*) FROM incident WHERE state <> 'open')");
    try (Connection c = web.db.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT concat_ws(',', " + String.join(", ", counts) + ")")) {
      rs.next();
      s.put("rows", rs.getString(1));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    offsets.endOffsets(partitions, Duration.ofSeconds(10)).forEach((p, o) -> s.merge(p.topic(), o, (a, b) -> (Long) a + (Long) b));
    return s;
  }

  private static JsonNode created(WebFixture.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private static Case json(String name, String method, String path, String body, int status, String field) {
    return bytes(name, method, path, Map.of("Content-Type", JSON), utf8(body), status, field);
  }

  private static Case bytes(String name, String method, String path, Map<String, String> headers, byte[] body, int status, String field) {
    return new Case(name, method, path, headers, body, status, field);
  }

  private static Case get(String name, String path, int status, String field) {
    return new Case(name, "GET", path, Map.of(), null, status, field);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code good} with the value of {@code field} (its first occurrence) replaced by {@code json}. */
  private static String replaceValue(String good, String field, String json) {
    String key = field.contains("[") ? field.substring(0, field.indexOf('[')) : field;
    int at = good.indexOf("\"" + key + "\":");
    assertThat(at).as(good + " has " + key).isNotNegative();
    int start = at + key.length() + 3;
    int end = valueEnd(good, start);
    return good.substring(0, start) + json + good.substring(end);
  }

  private static int valueEnd(String s, int start) {
    int depth = 0;
    boolean string = false;
    for (int i = start; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (string) {
        if (ch == '\\') {
          i++;
        } else if (ch == '"') {
          string = false;
          if (depth == 0) {
            return i + 1;
          }
        }
      } else if (ch == '"') {
        string = true;
      } else if (ch == '[' || ch == '{') {
        depth++;
      } else if (ch == ']' || ch == '}') {
        if (depth == 0) {
          return i;
        }
        depth--;
        if (depth == 0) {
          return i + 1;
        }
      } else if (ch == ',' && depth == 0) {
        return i;
      }
    }
    return s.length();
  }

  /** The body with bytes that are no UTF-8 (0xFF 0xFE) inside the value of {@code field}. */
  private static byte[] invalidUtf8(String good, String field) {
    return withBytes(good, field, new byte[] {(byte) 0xFF, (byte) 0xFE});
  }

  /** The body with a raw NUL byte (not escaped: no JSON) inside the value of {@code field}. */
  private static byte[] rawNul(String good, String field) {
    return withBytes(good, field, new byte[] {0});
  }

  private static byte[] withBytes(String good, String field, byte[] inserted) {
    String key = field.contains("[") ? field.substring(0, field.indexOf('[')) : field;
    int at = good.indexOf(key + "\":") + key.length() + 2;
    while (at < good.length() && good.charAt(at) != '"') {
      at++;
    }
    byte[] head = utf8(good.substring(0, at + 1));
    byte[] tail = utf8(good.substring(at + 1));
    byte[] out = new byte[head.length + inserted.length + tail.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(inserted, 0, out, head.length, inserted.length);
    System.arraycopy(tail, 0, out, head.length + inserted.length, tail.length);
    return out;
  }

  private static String cursor(String raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
  }
}
