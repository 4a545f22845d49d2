package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Status pages end to end on the real broker and PostgreSQL: management through the API, the
 * public page without login (leaking no URL, header or pattern), the JSON, the Atom feed checked by
 * Python's xml.etree, ETags, badges and their access, visibilities, safe Markdown, and a corpus of
 * bad input (400 naming the field, nothing stored).
 */
@ExtendWith(WebExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageIT {
  static final String SECRET_URL = "https://secret-checkout.example/health";
  static final String SECRET_HEADER = "hdr-value-7f3a9";
  static final String SECRET_PATTERN = "needle-pattern-42";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String checkout;
  private String search;
  private String hidden;

  @BeforeAll
  void setUp(WebFixture web) throws SQLException {
    checkout = target(web, SECRET_URL, "checkout-internal-name", true);
    search = target(web, "https://search.example/", "search-internal", false);
    hidden = target(web, "https://hidden.example/", "hidden-internal", false);
    created(web.post("/api/v1/status-pages", "{\"slug\":\"shop\",\"title\":\"Shop status\",\"description\":\"Our shop\"}"));
    created(web.post("/api/v1/status-pages/shop/components", "{\"name\":\"Checkout\",\"targets\":[\"" + checkout + "\"]}"));
    created(web.post("/api/v1/status-pages/shop/components", "{\"name\":\"Search\",\"targets\":[\"" + search + "\"]}"));
    Instant now = Instant.now();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    // An old day from the daily table (100 of its checks in maintenance, all down), and results of
    // today rolled up by the sink's own statement.
    web.execute(
        "INSERT INTO check_uptime_daily (target_id, day, checks, up_checks, total_us_sum, maintenance_checks, maintenance_up_checks) "
            + "VALUES (?, ?::date, 1000, 900, 1000 * 150000.0, 100, 0)",
        checkout, today.minusDays(10).toString());
    Instant hour = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(now.atZone(ZoneOffset.UTC).getHour() > 0 ? 1 : 0));
    for (int i = 0; i < 4; i++) {
      TestData.result(web.db, search, "eu", hour.plusSeconds(60L * i), i != 0, i == 0 ? "TIMEOUT" : null, 200_000);
    }
    try (Connection c = web.db.getConnection()) {
      c.setAutoCommit(false);
      dev.webmon.store.Rollups.rollUp(c, hour, hour.plus(Duration.ofHours(1)));
      c.commit();
    }
    incident(web, checkout, "down", now.minus(Duration.ofMinutes(30)), Optional.empty());
    incident(web, search, "degraded", today.minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600),
        Optional.of(today.minusDays(3).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(7200)));
  }

  @Test
  void theDailyUptimeFollowsTheHourlyRollup(WebFixture web) {
    LocalDate day = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC);
    long checks = web.queryLong("SELECT coalesce(sum(checks), 0) FROM check_uptime_daily WHERE target_id = '" + search + "'");
    long up = web.queryLong("SELECT coalesce(sum(up_checks), 0) FROM check_uptime_daily WHERE target_id = '" + search + "'");
    assertThat(checks).as("daily rows of %s (%s)", search, day).isEqualTo(4);
    assertThat(up).isEqualTo(3);
  }

  @Test
  void thePublicPageRendersWithoutLoginAndLeaksNothingOfTheTargets(WebFixture web) throws Exception {
    HttpResponse<String> r = anonymous(web, "/status/shop", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    String html = r.body();
    assertThat(html).contains("Shop status", "Checkout", "Search", "Major outage", "Degraded performance");
    assertThat(countOf(html, "class=\"sp-day ")).isEqualTo(2 * 90);
    assertThat(html).contains("Outage: Checkout").contains("1 incident");
    assertThat(html)
        .doesNotContain(SECRET_URL, "secret-checkout", SECRET_HEADER, SECRET_PATTERN, "checkout-internal-name", "X-Api-Key", checkout);
    assertThat(r.headers().firstValue("Cache-Control")).contains("public, max-age=15");
    // The search component: 3 of 4 checks up today.
    assertThat(html).contains("75.00 %");
    // Checkout's 30 and 90 days: 90 % over every check, 100 % excluding maintenance (a second line and a title).
    assertThat(html).contains("title=\"excluding maintenance: 100.00 %\">90.00 %</dd>", "100.00 % excl. maintenance");
    assertThat(html).doesNotContain("75.00 % excl. maintenance");
    String tenDaysAgo = LocalDate.ofInstant(Instant.now(), ZoneOffset.UTC).minusDays(10).toString();
    assertThat(html).contains("title=\"" + tenDaysAgo + ": 90.00 % up, 100.00 % excluding maintenance, no incidents\"");

    // ETag: the same body again is 304 without a body.
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = anonymous(web, "/status/shop", Map.of("If-None-Match", etag));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void theJsonIsStableAndOptsInToUrlsOnly(WebFixture web) throws Exception {
    HttpResponse<String> r = anonymous(web, "/status/shop.json", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode doc = Json.MAPPER.readTree(r.body());
    assertThat(doc.at("/page/slug").asText()).isEqualTo("shop");
    assertThat(doc.get("status").asText()).isEqualTo("major_outage");
    assertThat(doc.get("components")).hasSize(2);
    JsonNode c = doc.get("components").get(0);
    assertThat(c.get("name").asText()).isEqualTo("Checkout");
    assertThat(c.get("status").asText()).isEqualTo("major_outage");
    assertThat(c.get("days")).hasSize(90);
    assertThat(c.get("days").get(79).get("uptime").asDouble()).isEqualTo(90.0);
    assertThat(c.at("/days/79/uptimeExcludingMaintenance").asDouble()).isEqualTo(100.0); // that day's 100 maintenance checks were down
    assertThat(c.get("days").get(78).has("uptimeExcludingMaintenance")).isFalse();
    // Uptime and uptime excluding maintenance (900 up of the 900 checks outside it).
    assertThat(c.at("/uptime/30d").asDouble()).isEqualTo(90.0);
    assertThat(c.at("/uptimeExcludingMaintenance/30d").asDouble()).isEqualTo(100.0);
    assertThat(c.at("/uptimeExcludingMaintenance/90d").asDouble()).isEqualTo(100.0);
    assertThat(c.at("/uptimeExcludingMaintenance/7d").isNull()).isTrue();
    assertThat(doc.at("/components/1/uptimeExcludingMaintenance/24h").asDouble()).isEqualTo(doc.at("/components/1/uptime/24h").asDouble());
    assertThat(c.has("urls")).isFalse();
    assertThat(doc.get("activePosts")).anySatisfy(p -> assertThat(p.get("id").asText()).startsWith("incident-"));
    assertThat(doc.get("pastPosts")).anySatisfy(p -> assertThat(p.get("title").asText()).isEqualTo("Degraded performance: Search"));
    assertThat(r.body()).doesNotContain("secret-checkout", SECRET_HEADER, SECRET_PATTERN);

    created(web.post("/api/v1/status-pages", "{\"slug\":\"shop-urls\",\"title\":\"With URLs\",\"showUrls\":true}"));
    created(web.post("/api/v1/status-pages/shop-urls/components", "{\"name\":\"Checkout\",\"targets\":[\"" + checkout + "\"]}"));
    JsonNode withUrls = Json.MAPPER.readTree(anonymous(web, "/status/shop-urls.json", Map.of()).body());
    assertThat(withUrls.at("/components/0/urls/0").asText()).isEqualTo(SECRET_URL);
    String html = anonymous(web, "/status/shop-urls", Map.of()).body();
    assertThat(html).contains(SECRET_URL).doesNotContain(SECRET_HEADER, SECRET_PATTERN);
  }

  @Test
  void theAtomFeedPassesAnIndependentParser(WebFixture web) throws Exception {
    created(web.post("/api/v1/status-pages/shop/posts", "{\"title\":\"Payment delays\",\"status\":\"monitoring\",\"body\":\"A fix is *out*.\"}"));
    HttpResponse<String> r = anonymous(web, "/status/shop/feed.atom", Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/atom+xml");
    Path feed = Files.createTempFile("status-", ".atom");
    Files.writeString(feed, r.body());
    String script =
        """
        import sys, xml.etree.ElementTree as ET
        A = '{http://www.w3.org/2005/Atom}'
        root = ET.parse(sys.argv[1]).getroot()
        assert root.tag == A + 'feed', root.tag
        for req in ('id', 'title', 'updated'):
            assert root.find(A + req) is not None and root.find(A + req).text, 'feed ' + req
        assert root.find(A + 'author/' + A + 'name') is not None, 'feed author'
        entries = root.findall(A + 'entry')
        assert len(entries) >= 3, len(entries)
        for e in entries:
            for req in ('id', 'title', 'updated'):
                assert e.find(A + req) is not None and e.find(A + req).text, 'entry ' + req
            assert e.find(A + 'link').get('href'), 'entry link'
        print('ok', len(entries), [e.find(A + 'title').text for e in entries])
        """;
    Process p = new ProcessBuilder("python3", "-c", script, feed.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith("ok").contains("Payment delays");
    Files.delete(feed);
  }

  @Test
  void markdownIsRenderedInert(WebFixture web) throws Exception {
    String body = "<script>alert('x')</script>\\n\\n[click me](javascript:alert(1)) and [docs](https://example.com/docs)"
        + "\\n\\n<img src=x onerror=alert(2)> ![img](https://tracker.example/p.png)";
    created(web.post("/api/v1/status-pages", "{\"slug\":\"md\",\"title\":\"Markdown\"}"));
    created(web.post("/api/v1/status-pages/md/posts", "{\"title\":\"XSS\",\"status\":\"investigating\",\"body\":\"" + body + "\"}"));
    String html = anonymous(web, "/status/md", Map.of()).body();
    assertThat(html).doesNotContain("<script>alert", "javascript:", "<img src=x", "onerror=alert(2)>", "tracker.example");
    assertThat(html).contains("&lt;script&gt;alert", "href=\"https://example.com/docs\"", "click me");
  }

  @Test
  void badgesAreOpenForTargetsOnPublicPagesOnly(WebFixture web) throws Exception {
    HttpResponse<String> status = anonymous(web, "/badge/" + checkout + "/status.svg", Map.of());
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.headers().firstValue("Content-Type").orElse("")).startsWith("image/svg+xml");
    assertThat(status.body()).startsWith("<svg").contains("status", "down");
    assertThat(anonymous(web, "/badge/" + search + "/uptime-30d.svg", Map.of()).body()).contains("uptime 30d", "75.00%");
    assertThat(anonymous(web, "/badge/" + search + "/response-time.svg", Map.of()).body()).contains("200 ms");
    assertThat(anonymous(web, "/badge/" + hidden + "/status.svg", Map.of()).statusCode()).isEqualTo(404);
    assertThat(anonymous(web, "/badge/" + hidden + "/status.svg", Map.of("Authorization", "Bearer " + WebFixture.TOKEN)).statusCode())
        .isEqualTo(200);
    assertThat(anonymous(web, "/badge/" + checkout + "/other.svg", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void pagesThatNeedTheTokenOrASessionAreClosedToOthers(WebFixture web) throws Exception {
    created(web.post("/api/v1/status-pages", "{\"slug\":\"internal\",\"title\":\"Internal\",\"visibility\":\"token\"}"));
    created(web.post("/api/v1/status-pages", "{\"slug\":\"staff\",\"title\":\"Staff\",\"visibility\":\"session\"}"));
    assertThat(anonymous(web, "/status/internal.json", Map.of()).statusCode()).isIn(302, 303, 401);
    HttpResponse<String> withToken = anonymous(web, "/status/internal.json", Map.of("Authorization", "Bearer " + WebFixture.TOKEN));
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.headers().firstValue("Cache-Control")).contains("private, no-cache");
    assertThat(anonymous(web, "/status/internal", Map.of("Authorization", "Bearer wrong")).statusCode()).isIn(302, 303, 401);
    assertThat(anonymous(web, "/status/staff", Map.of("Authorization", "Bearer " + WebFixture.TOKEN)).statusCode()).isIn(302, 303, 401);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    assertThat(ui.get("/status/staff").statusCode()).isEqualTo(200);
    assertThat(anonymous(web, "/status/nope", Map.of()).statusCode()).isEqualTo(404);
  }

  @Test
  void theUiManagesPagesComponentsAndPosts(WebFixture web) throws Exception {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String csrf = UiClient.csrf(ui.get("/status-pages").body());
    assertThat(ui.post("/status-pages", Map.of("_csrf", csrf, "slug", "ui-page", "title", "From the UI", "visibility", "public")).statusCode())
        .isEqualTo(303);
    assertThat(ui.post("/status-pages/ui-page/components", Map.of("_csrf", csrf, "name", "API", "targets", search)).statusCode()).isEqualTo(303);
    assertThat(ui.post("/status-pages/ui-page/posts", Map.of("_csrf", csrf, "title", "Slow", "status", "identified", "body", "We know.")).statusCode())
        .isEqualTo(303);
    String edit = ui.get("/status-pages/ui-page/edit").body();
    assertThat(edit).contains("API", "Slow", search);
    assertThat(anonymous(web, "/status/ui-page", Map.of()).body()).contains("From the UI", "Slow", "We know.");
    // Bad form input: 400 naming the field, nothing stored.
    long posts = web.queryLong("SELECT count(*) FROM status_post");
    for (Map<String, String> bad :
        List.of(
            Map.of("title", "", "status", "identified", "body", "x"),
            Map.of("title", "t", "status", "fixed", "body", "x"),
            Map.of("title", "t", "status", "identified", "body", "x".repeat(20_001)))) {
      Map<String, String> form = new LinkedHashMap<>(bad);
      form.put("_csrf", csrf);
      HttpResponse<String> r = ui.post("/status-pages/ui-page/posts", form);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.body()).contains("id=\"form-errors\"");
    }
    assertThat(ui.post("/status-pages", Map.of("_csrf", csrf, "slug", "Bad Slug!", "title", "x")).body()).contains("<strong>slug</strong>");
    assertThat(ui.post("/status-pages/ui-page/components", Map.of("_csrf", csrf, "name", "X", "targets", "no-such-target")).body())
        .contains("<strong>targets[0]</strong>");
    assertThat(web.queryLong("SELECT count(*) FROM status_post")).isEqualTo(posts);
    assertThat(web.queryLong("SELECT count(*) FROM status_page WHERE slug = 'bad slug!'")).isZero();
  }

  static Stream<Arguments> badRequests() {
    String png = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    String big = Base64.getEncoder().encodeToString(pngOf(64 * 1024 + 1));
    List<Arguments> cases = new ArrayList<>();
    String pages = "/api/v1/status-pages";
    cases.add(Arguments.of("POST", pages, "{\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"UPPER\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"-dash\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"dash-\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"a/b\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"" + "a".repeat(65) + "\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"x\":1}", "x"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\"}", "title"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"" + "t".repeat(201) + "\"}", "title"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"a\\u0007b\"}", "title"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"description\":\"" + "d".repeat(2001) + "\"}", "description"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"visibility\":\"secret\"}", "visibility"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"showUrls\":\"yes\"}", "showUrls"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"logo\":\"https://cdn.example/logo.png\"}", "logo"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"logo\":{\"type\":\"image/svg+xml\",\"data\":\"" + png + "\"}}", "logo.type"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"logo\":{\"type\":\"image/png\",\"data\":\"!!!\"}}", "logo.data"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"logo\":{\"type\":\"image/jpeg\",\"data\":\"" + png + "\"}}", "logo.data"));
    cases.add(Arguments.of("POST", pages, "{\"slug\":\"ok\",\"title\":\"x\",\"logo\":{\"type\":\"image/png\",\"data\":\"" + big + "\"}}", "logo.data"));
    cases.add(Arguments.of("POST", pages, "not json", "body"));
    cases.add(Arguments.of("PUT", pages + "/shop", "{\"slug\":\"other\",\"title\":\"x\"}", "slug"));
    cases.add(Arguments.of("PUT", pages + "/shop", "{\"title\":\"\"}", "title"));
    String components = pages + "/shop/components";
    cases.add(Arguments.of("POST", components, "{\"targets\":[\"a\"]}", "name"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\"}", "targets"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[]}", "targets"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":\"a\"}", "targets"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[\"no-such-target\"]}", "targets[0]"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[\"bad id!\"]}", "targets[0]"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[" + "\"a\",".repeat(100) + "\"a\"]}", "targets"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[\"a\"],\"position\":-1}", "position"));
    cases.add(Arguments.of("POST", components, "{\"name\":\"X\",\"targets\":[\"a\"],\"position\":\"first\"}", "position"));
    String posts = pages + "/shop/posts";
    cases.add(Arguments.of("POST", posts, "{\"status\":\"investigating\",\"body\":\"x\"}", "title"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"fixed\",\"body\":\"x\"}", "status"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"body\":\"x\"}", "status"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\"}", "body"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\",\"body\":\"\"}", "body"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\",\"body\":\"" + "m".repeat(20_001) + "\"}", "body"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\",\"body\":\"a\\u0000b\"}", "body"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\",\"body\":\"a\\u001bb\"}", "body"));
    cases.add(Arguments.of("POST", posts, "{\"title\":\"t\",\"status\":\"resolved\",\"body\":42}", "body"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("badRequests")
  void badInputIsRefusedNamingTheFieldAndNothingIsStored(String method, String path, String json, String field, WebFixture web) {
    long before = stored(web);
    String pageBefore = web.get("/api/v1/status-pages/shop").body();
    WebFixture.Response r =
        method.equals("PUT") ? web.put(path, json) : web.send("POST", path, Optional.of(WebFixture.TOKEN), Optional.of(json), "application/json");
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode fields = r.json().get("fields");
    assertThat(fields).as(r.body()).isNotNull();
    List<String> names = new ArrayList<>();
    fields.forEach(f -> names.add(f.get("field").asText()));
    assertThat(names).as(r.body()).contains(field);
    assertThat(stored(web)).isEqualTo(before);
    assertThat(web.get("/api/v1/status-pages/shop").body()).isEqualTo(pageBefore);
  }

  @Test
  void anUpdateWithABadBodyIsRefusedAndAGoodOneMovesTheStatus(WebFixture web) {
    JsonNode post = created(web.post("/api/v1/status-pages/shop/posts", "{\"title\":\"Queue\",\"status\":\"investigating\",\"body\":\"Looking.\"}"));
    String updates = "/api/v1/status-pages/shop/posts/" + post.get("id").asLong() + "/updates";
    long before = stored(web);
    WebFixture.Response bad = web.post(updates, "{\"status\":\"done\",\"body\":\"\"}");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body()).contains("\"status\"", "\"body\"");
    assertThat(stored(web)).isEqualTo(before);
    JsonNode ok = created(web.post(updates, "{\"status\":\"resolved\",\"body\":\"Fixed.\"}"));
    assertThat(ok.get("status").asText()).isEqualTo("resolved");
    assertThat(ok.get("updates")).hasSize(2);
  }

  // ---------------------------------------------------------------- helpers

  private static byte[] pngOf(int size) {
    byte[] b = new byte[size];
    b[0] = (byte) 0x89;
    b[1] = 'P';
    b[2] = 'N';
    b[3] = 'G';
    return b;
  }

  private static long stored(WebFixture web) {
    return web.queryLong(
        "SELECT (SELECT count(*) FROM status_page) + (SELECT count(*) FROM status_component) + (SELECT count(*) FROM status_component_target)"
            + " + (SELECT count(*) FROM status_post) + (SELECT count(*) FROM status_post_update)");
  }

  private static int countOf(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  static JsonNode created(WebFixture.Response r) {
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json();
  }

  private HttpResponse<String> anonymous(WebFixture web, String path, Map<String, String> headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(web.base() + path)).timeout(Duration.ofSeconds(30)).GET();
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String target(WebFixture web, String url, String name, boolean secrets) {
    String extra = secrets ? ",\"headers\":{\"X-Api-Key\":\"" + SECRET_HEADER + "\"},\"regex\":\"" + SECRET_PATTERN + "\"" : "";
    WebFixture.Response r = web.post("/api/v1/targets", "{\"url\":\"" + url + "\",\"name\":\"" + name + "\"" + extra + "}");
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    return r.json().get("id").asText();
  }

  static void incident(WebFixture web, String target, String severity, Instant opened, Optional<Instant> resolved) throws SQLException {
    try (Connection c = web.db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO incident (id, target_id, target_name, lane, state, severity, opened_at, resolved_at, last_seq, updated_at,"
                    + " cause_result_id, policy, locations) VALUES (?, ?, 'internal', 'availability', ?, ?, ?, ?, 1, ?, ?, 'default', '[]')")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setString(2, target);
      ps.setString(3, resolved.isPresent() ? "resolved" : "open");
      ps.setString(4, severity);
      ps.setTimestamp(5, Timestamp.from(opened));
      ps.setTimestamp(6, resolved.map(Timestamp::from).orElse(null));
      ps.setTimestamp(7, Timestamp.from(resolved.orElse(opened)));
      ps.setObject(8, UUID.randomUUID());
      ps.executeUpdate();
    }
  }
}
