package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad input through the API. Every case must get a 4xx whose JSON error names the
 * offending field, and must leave no row in PostgreSQL and no record in the targets or the
 * alert-policies topic. (Over 400 lines: one corpus of every refused input, targets, policies and
 * channels, sharing one fixture and one refusal check.)
 */
@ExtendWith(WebExtension.class)
@WebExtension.BlockPrivateAddresses
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
  private static final String OK_URL = "\"url\":\"https://example.com/\"";
  private String existingId;

  @BeforeAll
  void createOneTarget(WebFixture web) {
    WebFixture.Response r = web.post("/api/v1/targets", "{" + OK_URL + ",\"name\":\"existing\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    existingId = r.json().get("id").asText();
    // The web app publishes the seeded default once at start: wait, so that offsets stay still.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> web.queryLong("SELECT count(*) FROM alert_policy WHERE NOT published") == 0);
  }

  static Stream<Arguments> badTargets() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("missing url", "{\"name\":\"x\"}", "url"));
    cases.add(Arguments.of("ftp scheme", "{\"url\":\"ftp://example.com/file\"}", "url"));
    cases.add(Arguments.of("javascript scheme", "{\"url\":\"javascript:alert(1)\"}", "url"));
    cases.add(Arguments.of("file scheme", "{\"url\":\"file:///etc/passwd\"}", "url"));
    cases.add(Arguments.of("url too long", "{\"url\":\"https://example.com/" + "a".repeat(2040) + "\"}", "url"));
    cases.add(Arguments.of("no host", "{\"url\":\"http://\"}", "url"));
    cases.add(Arguments.of("relative url", "{\"url\":\"/health\"}", "url"));
    cases.add(Arguments.of("user info in url", "{\"url\":\"https://user:pw@example.com/\"}", "url"));
    cases.add(Arguments.of("url with spaces", "{\"url\":\"https://exa mple.com/\"}", "url"));
    cases.add(Arguments.of("url not a string", "{\"url\":123}", "url"));
    cases.add(Arguments.of("loopback address", "{\"url\":\"http://127.0.0.1:8080/\"}", "url"));
    cases.add(Arguments.of("metadata address", "{\"url\":\"http://169.254.169.254/latest/meta-data/\"}", "url"));
    cases.add(Arguments.of("private address", "{\"url\":\"http://10.1.2.3/\"}", "url"));
    cases.add(Arguments.of("ipv6 loopback", "{\"url\":\"http://[::1]/\"}", "url"));
    cases.add(Arguments.of("interval too short", "{" + OK_URL + ",\"intervalSeconds\":5}", "intervalSeconds"));
    cases.add(Arguments.of("interval too long", "{" + OK_URL + ",\"intervalSeconds\":86401}", "intervalSeconds"));
    cases.add(Arguments.of("interval negative", "{" + OK_URL + ",\"intervalSeconds\":-60}", "intervalSeconds"));
    cases.add(Arguments.of("interval as string", "{" + OK_URL + ",\"intervalSeconds\":\"60\"}", "intervalSeconds"));
    cases.add(Arguments.of("interval fractional", "{" + OK_URL + ",\"intervalSeconds\":60.5}", "intervalSeconds"));
    cases.add(Arguments.of("interval huge", "{" + OK_URL + ",\"intervalSeconds\":99999999999999999999}", "intervalSeconds"));
    cases.add(Arguments.of("regex does not compile", "{" + OK_URL + ",\"regex\":\"(unclosed\"}", "regex"));
    cases.add(Arguments.of("regex not RE2 (lookahead)", "{" + OK_URL + ",\"regex\":\"foo(?=bar)\"}", "regex"));
    cases.add(Arguments.of("regex not RE2 (backreference)", "{" + OK_URL + ",\"regex\":\"(a)\\\\1\"}", "regex"));
    cases.add(Arguments.of("regex too long", "{" + OK_URL + ",\"regex\":\"" + "a".repeat(1001) + "\"}", "regex"));
    cases.add(Arguments.of("must-not-match bad", "{" + OK_URL + ",\"mustNotMatch\":\"[a-\"}", "mustNotMatch"));
    cases.add(Arguments.of("header name with space", "{" + OK_URL + ",\"headers\":{\"Bad Header\":\"x\"}}", "headers"));
    cases.add(Arguments.of("header value with CRLF", "{" + OK_URL + ",\"headers\":{\"X-Evil\":\"a\\r\\nInjected: 1\"}}", "headers.X-Evil"));
    cases.add(Arguments.of("restricted header", "{" + OK_URL + ",\"headers\":{\"Host\":\"evil.example\"}}", "headers.Host"));
    cases.add(Arguments.of("header twice ignoring case", "{" + OK_URL + ",\"headers\":{\"Accept\":\"a\",\"accept\":\"b\"}}", "headers.accept"));
    cases.add(Arguments.of("headers not an object", "{" + OK_URL + ",\"headers\":[\"Accept: x\"]}", "headers"));
    cases.add(Arguments.of("header value not a string", "{" + OK_URL + ",\"headers\":{\"X-N\":5}}", "headers.X-N"));
    cases.add(Arguments.of("masked header on create", "{" + OK_URL + ",\"headers\":{\"Authorization\":\"******\"}}", "headers.Authorization"));
    cases.add(Arguments.of("method not allowed", "{" + OK_URL + ",\"method\":\"TRACE\"}", "method"));
    cases.add(Arguments.of("expected status words", "{" + OK_URL + ",\"expectedStatus\":\"2xx\"}", "expectedStatus"));
    cases.add(Arguments.of("expected status out of range", "{" + OK_URL + ",\"expectedStatus\":\"200-600\"}", "expectedStatus"));
    cases.add(Arguments.of("timeout zero", "{" + OK_URL + ",\"timeoutSeconds\":0}", "timeoutSeconds"));
    cases.add(Arguments.of("timeout too long", "{" + OK_URL + ",\"timeoutSeconds\":500,\"intervalSeconds\":3600}", "timeoutSeconds"));
    cases.add(Arguments.of("timeout longer than interval", "{" + OK_URL + ",\"timeoutSeconds\":30,\"intervalSeconds\":10}", "timeoutSeconds"));
    cases.add(Arguments.of("redirects too many", "{" + OK_URL + ",\"maxRedirects\":21}", "maxRedirects"));
    cases.add(Arguments.of("tag with space", "{" + OK_URL + ",\"tags\":[\"has space\"]}", "tags[0]"));
    cases.add(Arguments.of("tag duplicated", "{" + OK_URL + ",\"tags\":[\"a\",\"a\"]}", "tags[1]"));
    cases.add(Arguments.of("tags not a list", "{" + OK_URL + ",\"tags\":\"prod\"}", "tags"));
    cases.add(Arguments.of("blank name", "{" + OK_URL + ",\"name\":\"   \"}", "name"));
    cases.add(Arguments.of("name too long", "{" + OK_URL + ",\"name\":\"" + "n".repeat(201) + "\"}", "name"));
    cases.add(Arguments.of("name with control character", "{" + OK_URL + ",\"name\":\"bell\\u0007\"}", "name"));
    cases.add(Arguments.of("body with NUL", "{" + OK_URL + ",\"method\":\"POST\",\"body\":\"a\\u0000b\"}", "body"));
    cases.add(Arguments.of("regex with NUL", "{" + OK_URL + ",\"regex\":\"a\\u0000b\"}", "regex"));
    cases.add(Arguments.of("body too long", "{" + OK_URL + ",\"method\":\"POST\",\"body\":\"" + "b".repeat(8193) + "\"}", "body"));
    cases.add(Arguments.of("unknown field", "{" + OK_URL + ",\"intervall\":60}", "intervall"));
    cases.add(Arguments.of("unknown alert policy", "{" + OK_URL + ",\"alertPolicy\":\"no-such-policy\"}", "alertPolicy"));
    cases.add(Arguments.of("alert policy upper case", "{" + OK_URL + ",\"alertPolicy\":\"Default\"}", "alertPolicy"));
    cases.add(Arguments.of("alert policy empty", "{" + OK_URL + ",\"alertPolicy\":\"\"}", "alertPolicy"));
    cases.add(Arguments.of("alert policy not a string", "{" + OK_URL + ",\"alertPolicy\":5}", "alertPolicy"));
    cases.add(Arguments.of("overrides not an object", "{" + OK_URL + ",\"alertOverrides\":[1]}", "alertOverrides"));
    cases.add(Arguments.of("override unknown field", "{" + OK_URL + ",\"alertOverrides\":{\"treshold\":1}}", "alertOverrides.treshold"));
    cases.add(Arguments.of("override below range", "{" + OK_URL + ",\"alertOverrides\":{\"failureThreshold\":0}}", "alertOverrides.failureThreshold"));
    cases.add(Arguments.of("override above range", "{" + OK_URL + ",\"alertOverrides\":{\"quorum\":1001}}", "alertOverrides.quorum"));
    cases.add(Arguments.of("override not a number", "{" + OK_URL + ",\"alertOverrides\":{\"flapChanges\":\"6\"}}", "alertOverrides.flapChanges"));
    cases.add(Arguments.of("override window too long", "{" + OK_URL + ",\"alertOverrides\":{\"failuresInWindow\":2,\"windowSeconds\":86401}}", "alertOverrides.windowSeconds"));
    cases.add(Arguments.of("override window without count", "{" + OK_URL + ",\"alertOverrides\":{\"windowSeconds\":600}}", "alertOverrides.windowSeconds"));
    cases.add(Arguments.of("override count without window", "{" + OK_URL + ",\"alertOverrides\":{\"failuresInWindow\":3}}", "alertOverrides.failuresInWindow"));
    cases.add(Arguments.of("not JSON", "{url: nope", "body"));
    cases.add(Arguments.of("JSON array", "[{" + OK_URL + "}]", "body"));
    cases.add(Arguments.of("JSON null", "null", "body"));
    cases.add(Arguments.of("duplicate key", "{" + OK_URL + "," + OK_URL + "}", "body"));
    cases.add(Arguments.of("deeply nested", "{" + OK_URL + ",\"headers\":" + "[".repeat(100) + "]".repeat(100) + "}", "body"));
    return cases.stream();
  }

  @ParameterizedTest(name = "POST {0}")
  @MethodSource("badTargets")
  void createIsRefusedNamingTheFieldAndNothingIsStoredOrPublished(String name, String json, String field, WebFixture web) {
    assertRefused(web, () -> web.post("/api/v1/targets", json), 400, field);
  }

  @ParameterizedTest(name = "PUT {0}")
  @MethodSource("badTargets")
  void updateIsRefusedNamingTheFieldAndTheTargetIsUnchanged(String name, String json, String field, WebFixture web) {
    JsonNode before = web.get("/api/v1/targets/" + existingId).json();
    assertRefused(web, () -> web.put("/api/v1/targets/" + existingId, json), 400, field);
    assertThat(web.get("/api/v1/targets/" + existingId).json()).isEqualTo(before);
  }

  static Stream<Arguments> badPolicies() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("unknown field", "{\"name\":\"p\",\"threshold\":2}", "threshold"));
    cases.add(Arguments.of("name not a string", "{\"name\":7}", "name"));
    cases.add(Arguments.of("name upper case", "{\"name\":\"Strict\"}", "name"));
    cases.add(Arguments.of("name with space", "{\"name\":\"very strict\"}", "name"));
    cases.add(Arguments.of("name too long", "{\"name\":\"" + "p".repeat(65) + "\"}", "name"));
    cases.add(Arguments.of("tag with space", "{\"name\":\"p\",\"tags\":[\"has space\"]}", "tags[0]"));
    cases.add(Arguments.of("tags not a list", "{\"name\":\"p\",\"tags\":\"prod\"}", "tags"));
    cases.add(Arguments.of("failure threshold zero", "{\"name\":\"p\",\"failureThreshold\":0}", "failureThreshold"));
    cases.add(Arguments.of("failure threshold huge", "{\"name\":\"p\",\"failureThreshold\":99999999999}", "failureThreshold"));
    cases.add(Arguments.of("failure threshold fractional", "{\"name\":\"p\",\"failureThreshold\":2.5}", "failureThreshold"));
    cases.add(Arguments.of("failures in window negative", "{\"name\":\"p\",\"failuresInWindow\":-1,\"windowSeconds\":60}", "failuresInWindow"));
    cases.add(Arguments.of("window too long", "{\"name\":\"p\",\"failuresInWindow\":3,\"windowSeconds\":86401}", "windowSeconds"));
    cases.add(Arguments.of("window without count", "{\"name\":\"p\",\"windowSeconds\":600}", "windowSeconds"));
    cases.add(Arguments.of("count without window", "{\"name\":\"p\",\"failuresInWindow\":3}", "failuresInWindow"));
    cases.add(Arguments.of("recovery threshold too high", "{\"name\":\"p\",\"recoveryThreshold\":101}", "recoveryThreshold"));
    cases.add(Arguments.of("degraded negative", "{\"name\":\"p\",\"degradedAboveMs\":-5}", "degradedAboveMs"));
    cases.add(Arguments.of("degraded too high", "{\"name\":\"p\",\"degradedAboveMs\":600001}", "degradedAboveMs"));
    cases.add(Arguments.of("quorum negative", "{\"name\":\"p\",\"quorum\":-1}", "quorum"));
    cases.add(Arguments.of("tls days too many", "{\"name\":\"p\",\"tlsExpiryWarningDays\":366}", "tlsExpiryWarningDays"));
    cases.add(Arguments.of("flap changes zero", "{\"name\":\"p\",\"flapChanges\":0}", "flapChanges"));
    cases.add(Arguments.of("flap window too short", "{\"name\":\"p\",\"flapWindowSeconds\":59}", "flapWindowSeconds"));
    cases.add(Arguments.of("flap window as text", "{\"name\":\"p\",\"flapWindowSeconds\":\"30m\"}", "flapWindowSeconds"));
    cases.add(Arguments.of("not JSON", "{name: nope", "body"));
    cases.add(Arguments.of("JSON array", "[{\"name\":\"p\"}]", "body"));
    return cases.stream();
  }

  @ParameterizedTest(name = "POST policy {0}")
  @MethodSource("badPolicies")
  void aBadPolicyIsRefusedNamingTheFieldAndNothingIsStoredOrPublished(String name, String json, String field, WebFixture web) {
    assertRefused(web, () -> web.post("/api/v1/alert-policies", json), 400, field);
  }

  @Test
  void aPolicyWithoutANameIsRefused(WebFixture web) {
    assertRefused(web, () -> web.post("/api/v1/alert-policies", "{\"quorum\":2}"), 400, "name");
  }

  @ParameterizedTest(name = "PUT policy {0}")
  @MethodSource("badPolicies")
  void aBadPolicyChangeIsRefusedAndThePolicyIsUnchanged(String name, String json, String field, WebFixture web) {
    if (field.equals("name")) {
      return; // a PUT takes the name from the path
    }
    String existing = "/api/v1/alert-policies/existing-policy";
    if (web.get(existing).status() == 404) {
      assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"existing-policy\",\"quorum\":2}").status()).isEqualTo(201);
    }
    JsonNode before = web.get(existing).json();
    assertRefused(web, () -> web.put(existing, json.replace("\"name\":\"p\"", "\"name\":\"existing-policy\"")), 400, field);
    assertThat(web.get(existing).json()).isEqualTo(before);
  }

  @Test
  void aPolicyRenameAndUnknownPoliciesAreRefused(WebFixture web) {
    assertRefused(web, () -> web.put("/api/v1/alert-policies/default", "{\"name\":\"other\"}"), 400, "name");
    assertRefused(web, () -> web.get("/api/v1/alert-policies/nope"), 404, null);
    assertRefused(web, () -> web.put("/api/v1/alert-policies/nope", "{}"), 404, null);
    assertRefused(web, () -> web.delete("/api/v1/alert-policies/nope"), 404, null);
    assertRefused(web, () -> web.get("/api/v1/alert-policies/%3Cscript%3E"), 404, null);
    assertRefused(web, () -> web.delete("/api/v1/alert-policies/default"), 409, null);
  }

  @Test
  void aWrongContentTypeIsRefused(WebFixture web) {
    assertRefused(
        web,
        () -> web.send("POST", "/api/v1/targets", Optional.of(WebFixture.TOKEN), Optional.of("{" + OK_URL + "}"), "text/plain"),
        400,
        "body");
  }

  @Test
  void badQueryParametersNameTheParameter(WebFixture web) {
    assertRefused(web, () -> web.get("/api/v1/targets?size=0"), 400, "size");
    assertRefused(web, () -> web.get("/api/v1/targets?size=100000"), 400, "size");
    assertRefused(web, () -> web.get("/api/v1/targets?page=-1"), 400, "page");
    assertRefused(web, () -> web.get("/api/v1/targets?sort=name;DROP%20TABLE%20target"), 400, "sort");
    assertRefused(web, () -> web.get("/api/v1/targets?status=sideways"), 400, "status");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/results?from=yesterday"), 400, "from");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/results?cursor=garbage!"), 400, "cursor");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/results?outcome=MAYBE"), 400, "outcome");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/results?limit=5000"), 400, "limit");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/stats?window=1y"), 400, "window");
    assertRefused(web, () -> web.get("/api/v1/targets/" + existingId + "/series?window=3w"), 400, "window");
    assertRefused(
        web,
        () -> web.get("/api/v1/targets/" + existingId + "/series?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"),
        400,
        "from");
  }

  @Test
  void badIncidentQueriesAndAcksNameTheParameterAndPublishNothing(WebFixture web) throws java.sql.SQLException {
    java.util.UUID incident = java.util.UUID.randomUUID();
    dev.webmon.store.IncidentRows.incident(
        web.db, incident, existingId, "down", "open", java.time.Instant.now(), null, java.util.UUID.randomUUID(), "[]");
    String list = "/api/v1/incidents";
    assertRefused(web, () -> web.get(list + "?state=sideways"), 400, "state");
    assertRefused(web, () -> web.get(list + "?state=OPEN"), 400, "state");
    assertRefused(web, () -> web.get(list + "?severity=catastrophic"), 400, "severity");
    assertRefused(web, () -> web.get(list + "?targetId=%3Cscript%3E"), 400, "targetId");
    assertRefused(web, () -> web.get(list + "?from=yesterday"), 400, "from");
    assertRefused(web, () -> web.get(list + "?to=%2B300000-01-01T00:00:00Z"), 400, "to");
    assertRefused(web, () -> web.get(list + "?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "from");
    assertRefused(web, () -> web.get(list + "?limit=0"), 400, "limit");
    assertRefused(web, () -> web.get(list + "?limit=201"), 400, "limit");
    assertRefused(web, () -> web.get(list + "?cursor=garbage!"), 400, "cursor");
    String ack = "/api/v1/incidents/" + incident + "/ack";
    long commands = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    assertRefused(web, () -> web.post(ack, "{\"note\":\"" + "n".repeat(1001) + "\"}"), 400, "note");
    assertRefused(web, () -> web.post(ack, "{\"note\":42}"), 400, "note");
    assertRefused(web, () -> web.post(ack, "{\"note\":\"bell\\u0007\"}"), 400, "note");
    assertRefused(web, () -> web.post(ack, "{\"notes\":\"x\"}"), 400, "notes");
    assertRefused(web, () -> web.post(ack, "{note: nope"), 400, "body");
    assertRefused(web, () -> web.post(ack, "[]"), 400, "body");
    assertRefused(web, () -> web.send("POST", ack, Optional.of(WebFixture.TOKEN), Optional.of("note=x"), "text/plain"), 400, "body");
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).as("records in the commands topic").isEqualTo(commands);
  }

  @Test
  void extremeTimesAre400NamingTheParameter(WebFixture web) {
    String minus = "-1000000000-01-01T00:00:00Z";
    String plus = "%2B300000-01-01T00:00:00Z";
    String base = "/api/v1/targets/" + existingId;
    assertRefused(web, () -> web.get(base + "/results?from=" + minus), 400, "from");
    assertRefused(web, () -> web.get(base + "/results?to=" + plus), 400, "to");
    assertRefused(web, () -> web.get(base + "/results?to=" + minus), 400, "to");
    assertRefused(web, () -> web.get(base + "/results?from=" + minus + "&to=" + plus), 400, "from");
    assertRefused(web, () -> web.get(base + "/series?from=" + minus), 400, "from");
    assertRefused(web, () -> web.get(base + "/series?to=" + plus), 400, "to");
    assertRefused(web, () -> web.get(base + "/series?to=" + minus), 400, "to");
    assertRefused(web, () -> web.get(base + "/results?from=0000-12-31T23:59:59Z"), 400, "from");
    assertRefused(web, () -> web.get(base + "/results?to=10000-01-01T00:00:00Z"), 400, "to");
    assertThat(web.get(base + "/results?from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z").status()).isEqualTo(200);
  }

  @Test
  void aBadYamlImportAppliesNothing(WebFixture web) {
    String yaml =
        """
        targets:
          - name: fine
            url: https://fine.example.com/
          - name: broken
            url: gopher://old.example.com/
          - name: also broken
            url: https://example.org/
            intervalSeconds: 1
        """;
    WebFixture.Response r =
        assertRefused(
            web,
            () -> web.send("POST", "/api/v1/targets/import", Optional.of(WebFixture.TOKEN), Optional.of(yaml), "application/yaml"),
            400,
            "targets[1].url");
    assertThat(r.json().get("fields").toString()).contains("targets[2].intervalSeconds");
  }

  @Test
  void aHostThatDoesNotResolveNowIsAccepted(WebFixture web) {
    WebFixture.Response r = web.post("/api/v1/targets", "{\"url\":\"https://no-such-host.invalid/\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
  }

  @Test
  void unknownTargetsAre404(WebFixture web) {
    assertRefused(web, () -> web.get("/api/v1/targets/nope"), 404, null);
    assertRefused(web, () -> web.put("/api/v1/targets/nope", "{" + OK_URL + "}"), 404, null);
    assertRefused(web, () -> web.delete("/api/v1/targets/nope"), 404, null);
    assertRefused(web, () -> web.get("/api/v1/targets/%3Cscript%3E/stats"), 404, null);
  }

  // ---------------------------------------------------------------- channels (issue 13)

  private static final String HOOK = "\"type\":\"webhook\",\"name\":\"h\"";
  private static final String HOOK_SETTINGS = "\"settings\":{\"url\":\"https://hooks.example.com/x\",\"secret\":\"0123456789abcdef\"}";

  static Stream<Arguments> badChannels() {
    List<Arguments> cases = new ArrayList<>();
    cases.add(Arguments.of("missing type", "{\"name\":\"h\"}", "type"));
    cases.add(Arguments.of("unknown type", "{\"type\":\"pigeon\",\"name\":\"h\"}", "type"));
    cases.add(Arguments.of("type not a string", "{\"type\":5,\"name\":\"h\"}", "type"));
    cases.add(Arguments.of("missing name", "{\"type\":\"webhook\"," + HOOK_SETTINGS + "}", "name"));
    cases.add(Arguments.of("name with control character", "{\"type\":\"webhook\",\"name\":\"a\\u0007\"," + HOOK_SETTINGS + "}", "name"));
    cases.add(Arguments.of("id upper case", "{\"id\":\"Hook\"," + HOOK + "," + HOOK_SETTINGS + "}", "id"));
    cases.add(Arguments.of("unknown field", "{" + HOOK + "," + HOOK_SETTINGS + ",\"severity\":\"down\"}", "severity"));
    cases.add(Arguments.of("min severity unknown", "{" + HOOK + "," + HOOK_SETTINGS + ",\"minSeverity\":\"meh\"}", "minSeverity"));
    cases.add(Arguments.of("default not a boolean", "{" + HOOK + "," + HOOK_SETTINGS + ",\"default\":\"yes\"}", "default"));
    cases.add(Arguments.of("route to no policy", "{" + HOOK + "," + HOOK_SETTINGS + ",\"routePolicies\":[\"no-such\"]}", "routePolicies[0]"));
    cases.add(Arguments.of("route tag with space", "{" + HOOK + "," + HOOK_SETTINGS + ",\"routeTags\":[\"a b\"]}", "routeTags[0]"));
    cases.add(Arguments.of("settings not an object", "{" + HOOK + ",\"settings\":[1]}", "settings"));
    cases.add(Arguments.of("unknown setting", "{" + HOOK + ",\"settings\":{\"url\":\"https://hooks.example.com/x\",\"secret\":\"0123456789abcdef\",\"color\":1}}", "settings.color"));
    cases.add(Arguments.of("webhook without url", "{" + HOOK + ",\"settings\":{\"secret\":\"0123456789abcdef\"}}", "settings.url"));
    cases.add(Arguments.of("webhook ftp url", "{" + HOOK + ",\"settings\":{\"url\":\"ftp://hooks.example.com/\",\"secret\":\"0123456789abcdef\"}}", "settings.url"));
    cases.add(Arguments.of("webhook to loopback", "{" + HOOK + ",\"settings\":{\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"0123456789abcdef\"}}", "settings.url"));
    cases.add(Arguments.of("webhook to metadata", "{" + HOOK + ",\"settings\":{\"url\":\"http://169.254.169.254/latest\",\"secret\":\"0123456789abcdef\"}}", "settings.url"));
    cases.add(Arguments.of("webhook to private", "{" + HOOK + ",\"settings\":{\"url\":\"http://10.1.2.3/hook\",\"secret\":\"0123456789abcdef\"}}", "settings.url"));
    cases.add(Arguments.of("webhook secret too short", "{" + HOOK + ",\"settings\":{\"url\":\"https://hooks.example.com/x\",\"secret\":\"short\"}}", "settings.secret"));
    cases.add(Arguments.of("masked secret on create", "{" + HOOK + ",\"settings\":{\"url\":\"https://hooks.example.com/x\",\"secret\":\"******\"}}", "settings.secret"));
    cases.add(Arguments.of("slack url not a string", "{\"type\":\"slack\",\"name\":\"s\",\"settings\":{\"url\":42}}", "settings.url"));
    cases.add(Arguments.of("telegram bad token", "{\"type\":\"telegram\",\"name\":\"t\",\"settings\":{\"botToken\":\"nope\",\"chatId\":\"42\"}}", "settings.botToken"));
    cases.add(Arguments.of("telegram bad chat", "{\"type\":\"telegram\",\"name\":\"t\",\"settings\":{\"botToken\":\"123456:" + "A".repeat(30) + "\",\"chatId\":\"chat me\"}}", "settings.chatId"));
    cases.add(Arguments.of("pagerduty bad region", "{\"type\":\"pagerduty\",\"name\":\"p\",\"settings\":{\"routingKey\":\"k\",\"region\":\"mars\"}}", "settings.region"));
    cases.add(Arguments.of("email without recipients", "{\"type\":\"email\",\"name\":\"e\",\"settings\":{\"host\":\"smtp.example.com\",\"from\":\"w@example.com\"}}", "settings.to"));
    cases.add(Arguments.of("email port as text", "{\"type\":\"email\",\"name\":\"e\",\"settings\":{\"host\":\"smtp.example.com\",\"port\":\"587\",\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}}", "settings.port"));
    cases.add(Arguments.of("email tls none", "{\"type\":\"email\",\"name\":\"e\",\"settings\":{\"host\":\"smtp.example.com\",\"tls\":\"none\",\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}}", "settings.tls"));
    cases.add(Arguments.of("email tls as number", "{\"type\":\"email\",\"name\":\"e\",\"settings\":{\"host\":\"smtp.example.com\",\"tls\":5,\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}}", "settings.tls"));
    cases.add(Arguments.of("email host loopback", "{\"type\":\"email\",\"name\":\"e\",\"settings\":{\"host\":\"127.0.0.1\",\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}}", "settings.host"));
    cases.add(Arguments.of("template does not compile", "{" + HOOK + "," + HOOK_SETTINGS + ",\"templates\":{\"body\":\"{% for x in %}\"}}", "templates.body"));
    cases.add(Arguments.of("template renders empty", "{" + HOOK + "," + HOOK_SETTINGS + ",\"templates\":{\"subject\":\"{{ nothing }}\"}}", "templates.subject"));
    cases.add(Arguments.of("template not a string", "{" + HOOK + "," + HOOK_SETTINGS + ",\"templates\":{\"subject\":1}}", "templates.subject"));
    cases.add(Arguments.of("unknown template", "{" + HOOK + "," + HOOK_SETTINGS + ",\"templates\":{\"footer\":\"x\"}}", "templates.footer"));
    cases.add(Arguments.of("not JSON", "{type: nope", "body"));
    return cases.stream();
  }

  @ParameterizedTest(name = "POST channel {0}")
  @MethodSource("badChannels")
  void aBadChannelIsRefusedNamingTheFieldAndNothingIsStored(String name, String json, String field, WebFixture web) {
    long channels = web.queryLong("SELECT count(*) FROM notify_channel");
    WebFixture.Response r = assertRefused(web, () -> web.post("/api/v1/channels", json), 400, field);
    assertThat(r.body()).doesNotContain("0123456789abcdef");
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel")).as("channels in PostgreSQL").isEqualTo(channels);
  }

  @ParameterizedTest(name = "PUT channel {0}")
  @MethodSource("badChannels")
  void aBadChannelChangeIsRefusedAndTheChannelIsUnchanged(String name, String json, String field, WebFixture web) {
    if (field.equals("id") || name.equals("masked secret on create") || name.equals("webhook without url")) {
      return; // a PUT takes the id from the path, and keeps a stored secret it does not re-send
    }
    String existing = "/api/v1/channels/existing-hook";
    if (web.get(existing).status() == 404) {
      WebFixture.Response c = web.post("/api/v1/channels", "{\"id\":\"existing-hook\"," + HOOK + "," + HOOK_SETTINGS + "}");
      assertThat(c.status()).as(c.body()).isEqualTo(201);
    }
    JsonNode before = web.get(existing).json();
    long version = web.queryLong("SELECT version FROM notify_channel WHERE id = 'existing-hook'");
    assertRefused(web, () -> web.put(existing, json), 400, field);
    assertThat(web.get(existing).json()).isEqualTo(before);
    assertThat(web.queryLong("SELECT version FROM notify_channel WHERE id = 'existing-hook'")).isEqualTo(version);
  }

  @Test
  void aBrokenTemplateIsRefusedWithPebblesError(WebFixture web) {
    WebFixture.Response r =
        assertRefused(
            web,
            () -> web.post("/api/v1/channels", "{" + HOOK + "," + HOOK_SETTINGS + ",\"templates\":{\"body\":\"{{ incident.kind \"}}"),
            400,
            "templates.body");
    assertThat(r.json().get("fields").get(0).get("message").asText()).contains("line 1");
  }

  @Test
  void badPolicyNotificationSettingsNameTheField(WebFixture web) {
    String base = "{\"name\":\"notifying\",";
    assertRefused(web, () -> web.post("/api/v1/alert-policies", base + "\"notify\":[]}"), 400, "notify");
    assertRefused(web, () -> web.post("/api/v1/alert-policies", base + "\"notify\":{\"remindEvery\":60}}"), 400, "notify.remindEvery");
    assertRefused(web, () -> web.post("/api/v1/alert-policies", base + "\"notify\":{\"remindEverySeconds\":5}}"), 400, "notify.remindEverySeconds");
    assertRefused(web, () -> web.post("/api/v1/alert-policies", base + "\"notify\":{\"remindEverySeconds\":\"600\"}}"), 400, "notify.remindEverySeconds");
    assertRefused(web, () -> web.post("/api/v1/alert-policies",
        base + "\"notify\":{\"escalation\":[{\"afterMinutes\":5,\"channels\":[\"no-such-channel\"]}]}}"), 400, "notify.escalation[0].channels[0]");
    assertRefused(web, () -> web.post("/api/v1/alert-policies",
        base + "\"notify\":{\"escalation\":[{\"afterMinutes\":0,\"channels\":[\"x\"]}]}}"), 400, "notify.escalation[0].afterMinutes");
    assertRefused(web, () -> web.post("/api/v1/alert-policies",
        base + "\"notify\":{\"escalation\":[{\"afterMinutes\":5,\"channels\":[]}]}}"), 400, "notify.escalation[0].channels");
    assertRefused(web, () -> web.post("/api/v1/alert-policies",
        base + "\"notify\":{\"escalation\":[{\"afterMinutes\":10,\"channels\":[\"a\"]},{\"afterMinutes\":5,\"channels\":[\"a\"]}]}}"),
        400, "notify.escalation[1].afterMinutes");
    assertRefused(web, () -> web.put("/api/v1/alert-policies/default", "{\"notify\":{\"escalation\":{}}}"), 400, "notify.escalation");
  }

  @Test
  void unknownChannelsAre404(WebFixture web) {
    assertRefused(web, () -> web.get("/api/v1/channels/nope"), 404, null);
    assertRefused(web, () -> web.put("/api/v1/channels/nope", "{" + HOOK + "}"), 404, null);
    assertRefused(web, () -> web.delete("/api/v1/channels/nope"), 404, null);
    assertRefused(web, () -> web.post("/api/v1/channels/nope/test", "{}"), 404, null);
    assertRefused(web, () -> web.get("/api/v1/channels/%3Cscript%3E"), 404, null);
    assertRefused(web, () -> web.get("/api/v1/incidents/" + java.util.UUID.randomUUID() + "/deliveries"), 404, null);
  }

  private static WebFixture.Response assertRefused(
      WebFixture web, java.util.function.Supplier<WebFixture.Response> call, int status, String field) {
    long rows = web.targetRows();
    long offset = web.topicEndOffset();
    long policyRows = web.policyRows();
    long policyOffset = web.policyTopicEndOffset();
    WebFixture.Response r = call.get();
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.header("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = r.json();
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("message").asText()).isNotBlank();
    if (field != null) {
      assertThat(body.get("fields")).as(r.body()).isNotNull();
      List<String> fields = new ArrayList<>();
      body.get("fields").forEach(f -> fields.add(f.get("field").asText()));
      assertThat(fields).as(r.body()).contains(field);
      body.get("fields").forEach(f -> assertThat(f.get("message").asText()).isNotBlank());
    }
    assertThat(web.targetRows()).as("rows in PostgreSQL").isEqualTo(rows);
    assertThat(web.topicEndOffset()).as("records in the targets topic").isEqualTo(offset);
    assertThat(web.policyRows()).as("alert policies in PostgreSQL").isEqualTo(policyRows);
    assertThat(web.policyTopicEndOffset()).as("records in the alert-policies topic").isEqualTo(policyOffset);
    return r;
  }
}
