package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Authentication, security headers, escaping and injection strings, the OpenAPI document, YAML. */
@ExtendWith(WebExtension.class)
class SecurityIT {
  static final String XSS = "<script>alert(1)</script>";
  static final List<String> INJECTIONS =
      List.of(
          "Robert'); DROP TABLE target;--",
          "' OR '1'='1",
          "\" OR 1=1 --",
          "x'; SELECT pg_sleep(10); --",
          "%_\\",
          XSS,
          "<img src=x onerror=alert(2)>",
          "{{ 7*7 }} ${7*7} #{7*7}");

  @Test
  void theApiNeedsTheRightToken(WebFixture web) {
    WebFixture.Response none = web.send("GET", "/api/v1/targets", Optional.empty(), Optional.empty(), "");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.header("WWW-Authenticate")).contains("Bearer realm=\"webmon\"");
    assertThat(none.json().get("error").asText()).isEqualTo("unauthorized");
    assertThat(web.send("GET", "/api/v1/targets", Optional.of("wrong-token-0123456789"), Optional.empty(), "").status()).isEqualTo(401);
    assertThat(web.send("GET", "/api/v1/targets", Optional.of(WebFixture.TOKEN + "x"), Optional.empty(), "").status()).isEqualTo(401);
    assertThat(web.send("GET", "/api/v1/targets", Optional.of(""), Optional.empty(), "").status()).isEqualTo(401);
    long rows = web.targetRows();
    assertThat(web.send("POST", "/api/v1/targets", Optional.empty(), Optional.of("{\"url\":\"https://x.example.com/\"}"), "application/json")
        .status()).isEqualTo(401);
    assertThat(web.send("POST", "/api/v1/targets", Optional.of("nope-nope-nope-nope"), Optional.of("{\"url\":\"https://x.example.com/\"}"),
        "application/json").status()).isEqualTo(401);
    assertThat(web.send("GET", "/api/v1/targets/export", Optional.empty(), Optional.empty(), "").status()).isEqualTo(401);
    assertThat(web.targetRows()).isEqualTo(rows);
    assertThat(web.get("/api/v1/targets").status()).isEqualTo(200);
    // The OpenAPI document and the health check are public.
    assertThat(web.send("GET", "/api/v1/openapi.json", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/healthz", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
  }

  @Test
  void noSpellingOfAProtectedRouteGetsThroughAnonymously(WebFixture web) {
    WebFixture.Response created =
        web.post(
            "/api/v1/targets",
            "{\"name\":\"closed-secret-name\",\"url\":\"https://closed.example.com/\",\"method\":\"POST\","
                + "\"headers\":{\"X-Api-Key\":\"closed-key-value\"},\"body\":\"pw=closed-body\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    List<String> secrets = List.of("closed-secret-name", "closed-key-value", "closed-body");
    List<String> reads =
        List.of(
            "/api/v1/targets", "/api/v1/targets/export", "/api/v1/targets/" + id, "/api/v1/targets/" + id + "/results",
            "/api/v1/targets/" + id + "/stats", "/api/v1/targets/" + id + "/series", "/targets", "/targets/new", "/frequencies",
            "/targets/" + id, "/targets/" + id + "/edit");
    for (String path : reads) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    String incident = java.util.UUID.randomUUID().toString();
    for (String path : List.of("/api/v1/incidents", "/api/v1/incidents/" + incident, "/incidents", "/incidents/" + incident)) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    long commands = WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/incidents/" + incident + "/ack", Optional.of("{}"), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/incidents/" + incident + "/ack", Optional.of("{}"), secrets);
    assertThat(WebFixture.endOffset(web.kafka.kafkaConfig(), web.commandsTopic)).isEqualTo(commands);
    long rows = web.targetRows();
    long offset = web.topicEndOffset();
    String body = "{\"url\":\"https://anonymous.example.com/\"}";
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/targets", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/targets/import", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("PUT", "DELETE"), "/api/v1/targets/" + id, Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/targets", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/targets/" + id, Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/targets/" + id + "/delete", Optional.of(body), secrets);
    assertThat(web.targetRows()).isEqualTo(rows);
    assertThat(web.topicEndOffset()).isEqualTo(offset);
    assertThat(web.get("/api/v1/targets/" + id).json().get("name").asText()).isEqualTo("closed-secret-name");
    // Spellings the router takes as the route still work for those who may use it.
    assertThat(web.get("/api/v1/targets/export/").body()).contains("closed-key-value");
    assertThat(web.send("HEAD", "/api/v1/targets/" + id + "/", Optional.of(WebFixture.TOKEN), Optional.empty(), "").status())
        .isEqualTo(200);
    // Public routes stay public in every method they answer, HEAD included (load balancers).
    assertThat(web.send("HEAD", "/healthz", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/login/", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/no/such/page", Optional.empty(), Optional.empty(), "").status()).isEqualTo(404);
    assertThat(web.get("/no/such/page").status()).as("unknown paths are 404 for everyone").isEqualTo(404);
  }

  @Test
  void channelsAndDeliveriesRefuseAnonymousCallers(WebFixture web) {
    String secret = "anon-secret-0123456789";
    WebFixture.Response created =
        web.post("/api/v1/channels", "{\"id\":\"closed-hook\",\"type\":\"webhook\",\"name\":\"closed-channel-name\","
            + "\"settings\":{\"url\":\"https://hooks.example.com/closed-token\",\"secret\":\"" + secret + "\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    List<String> secrets = List.of("closed-channel-name", "closed-token", secret);
    String incident = java.util.UUID.randomUUID().toString();
    for (String path : List.of("/api/v1/channels", "/api/v1/channels/closed-hook", "/api/v1/channels/closed-hook/deliveries",
        "/api/v1/incidents/" + incident + "/deliveries", "/channels", "/channels/new", "/channels/closed-hook/edit")) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    long notifications = web.queryLong("SELECT count(*) FROM notification");
    String body = "{\"type\":\"webhook\",\"name\":\"anonymous\"}";
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/channels", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("PUT", "DELETE"), "/api/v1/channels/closed-hook", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/channels/closed-hook/test", Optional.of("{}"), secrets);
    for (String path : List.of("/channels", "/channels/closed-hook", "/channels/closed-hook/test", "/channels/closed-hook/delete")) {
      RouteVariants.assertAnonymousRefused(web, List.of("POST"), path, Optional.of(body), secrets);
    }
    assertThat(web.queryLong("SELECT count(*) FROM notification")).as("no test was sent").isEqualTo(notifications);
    assertThat(web.queryLong("SELECT count(*) FROM notify_channel WHERE id = 'closed-hook' AND name = 'closed-channel-name' AND version = 1"))
        .isOne();
  }

  @Test
  void aSessionMayReadTheApiButWritesNeedItsCsrfHeader(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    assertThat(ui.get("/api/v1/targets").statusCode()).isEqualTo(200);
    assertThat(ui.get("/api/v1/targets/export").statusCode()).as("the UI's Export YAML link").isEqualTo(200);
    long rows = web.targetRows();
    HttpResponse<String> post = ui.post("/api/v1/targets", Map.of("url", "https://session.example.com/"));
    assertThat(post.statusCode()).isEqualTo(403);
    assertThat(web.targetRows()).isEqualTo(rows);
  }

  @Test
  void everyResponseCarriesTheSecurityHeaders(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    for (HttpResponse<String> r :
        List.of(ui.get("/login"), ui.get("/static/webmon.js"), ui.get("/api/v1/targets"), ui.get("/no/such/page"))) {
      assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow())
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
    String login = ui.get("/login").body();
    assertThat(login).doesNotContain("<script>").doesNotContain(" onclick=").doesNotContain(" style=");
  }

  @Test
  void injectionAndScriptStringsRoundTripAsInertText(WebFixture web) {
    List<String> ids = new ArrayList<>();
    for (String s : INJECTIONS) {
      String body = "{\"name\":" + json(s) + ",\"url\":\"https://inj.example.com/\",\"regex\":" + json(s.replace("\\", "")) + "}";
      WebFixture.Response r = web.post("/api/v1/targets", body);
      if (r.status() == 400) {
        // Some are not valid RE2 (e.g. "{{ 7*7 }}"): then without the regex.
        r = web.post("/api/v1/targets", "{\"name\":" + json(s) + ",\"url\":\"https://inj.example.com/\"}");
      }
      assertThat(r.status()).as(s + " -> " + r.body()).isEqualTo(201);
      ids.add(r.json().get("id").asText());
      assertThat(web.get("/api/v1/targets/" + r.json().get("id").asText()).json().get("name").asText()).isEqualTo(s);
      // As a search, a tag filter: nothing breaks, nothing is interpreted.
      assertThat(web.get("/api/v1/targets?q=" + java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)).status())
          .isEqualTo(200);
    }
    assertThat(web.queryLong("SELECT count(*) FROM target WHERE url = 'https://inj.example.com/'")).isEqualTo(INJECTIONS.size());
    JsonNode hit = web.get("/api/v1/targets?q=" + java.net.URLEncoder.encode("' OR '1'='1", java.nio.charset.StandardCharsets.UTF_8)).json();
    assertThat(hit.get("total").asLong()).isEqualTo(1);
    assertThat(hit.get("items").get(0).get("name").asText()).isEqualTo("' OR '1'='1");
    assertThat(web.get("/api/v1/targets?q=%25_").json().get("total").asLong()).isEqualTo(1); // LIKE wildcards are literal

    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String list = ui.get("/targets?size=200").body();
    assertThat(list).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain(XSS).doesNotContain("<img src=x");
    String page = ui.get("/targets/" + ids.get(INJECTIONS.indexOf(XSS))).body();
    assertThat(page).contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>").doesNotContain(XSS);
    String edit = ui.get("/targets/" + ids.get(INJECTIONS.indexOf(XSS)) + "/edit").body();
    assertThat(edit).contains("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"").doesNotContain(XSS);
    String search = ui.get("/targets?q=" + java.net.URLEncoder.encode("\"><script>alert(3)</script>", java.nio.charset.StandardCharsets.UTF_8)).body();
    assertThat(search).doesNotContain("<script>alert(3)").contains("&quot;&gt;&lt;script&gt;alert(3)");
    // Template syntax in data is data.
    assertThat(list).contains("{{ 7*7 }}").doesNotContain(">49<");
  }

  @Test
  void theOpenApiDocumentDescribesEveryApiRoute(WebFixture web) {
    JsonNode doc = web.get("/api/v1/openapi.json").json();
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    JsonNode paths = doc.get("paths");
    List<String> apiRoutes = web.app.routes().stream().filter(r -> r.contains(" /api/")).toList();
    assertThat(apiRoutes).hasSizeGreaterThanOrEqualTo(10);
    for (String route : apiRoutes) {
      String method = route.substring(0, route.indexOf(' ')).toLowerCase(java.util.Locale.ROOT);
      String path = route.substring(route.indexOf(' ') + 1);
      assertThat(paths.has(path)).as("path %s in openapi.json", path).isTrue();
      assertThat(paths.get(path).has(method)).as("%s in openapi.json", route).isTrue();
    }
    // ... and nothing that does not exist.
    paths.fieldNames().forEachRemaining(p -> assertThat(apiRoutes.stream().anyMatch(r -> r.endsWith(" " + p))).as(p).isTrue());
  }

  @Test
  void yamlExportImportsBackUnchangedAndImportIsIdempotentByUrlAndName(WebFixture web) {
    String yaml =
        """
        targets:
          - name: yaml one
            url: https://yaml.example.com/one
            intervalSeconds: 120
            headers:
              X-Api-Key: top-secret-value
            tags: [yaml]
          - name: yaml two
            url: https://yaml.example.com/two
            regex: "ok"
        """;
    WebFixture.Response first = importYaml(web, yaml);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    assertThat(first.json().get("created").asInt()).isEqualTo(2);
    long offset = web.topicEndOffset();
    WebFixture.Response again = importYaml(web, yaml);
    assertThat(again.json().get("unchanged").asInt()).isEqualTo(2);
    assertThat(again.json().get("created").asInt()).isZero();
    assertThat(web.topicEndOffset()).isEqualTo(offset);

    WebFixture.Response changed = importYaml(web, yaml.replace("intervalSeconds: 120", "intervalSeconds: 600"));
    assertThat(changed.json().get("updated").asInt()).isEqualTo(1);
    assertThat(changed.json().get("unchanged").asInt()).isEqualTo(1);

    WebFixture.Response export = web.get("/api/v1/targets/export");
    assertThat(export.status()).isEqualTo(200);
    assertThat(export.header("Content-Type").orElseThrow()).startsWith("application/yaml");
    assertThat(export.body()).contains("top-secret-value").contains("yaml one").contains("intervalSeconds: 600");
    long before = web.targetRows();
    WebFixture.Response back = importYaml(web, export.body());
    assertThat(back.status()).as(back.body()).isEqualTo(200);
    assertThat(back.json().get("created").asInt()).isZero();
    assertThat(back.json().get("updated").asInt()).isZero();
    assertThat(web.targetRows()).isEqualTo(before);
  }

  private static WebFixture.Response importYaml(WebFixture web, String yaml) {
    return web.send("POST", "/api/v1/targets/import", Optional.of(WebFixture.TOKEN), Optional.of(yaml), "application/yaml");
  }

  private static String json(String s) {
    try {
      return Json.MAPPER.writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
