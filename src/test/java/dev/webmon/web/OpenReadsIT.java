package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.store.IncidentRows;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With web.open-reads=true anyone may read; writes and the export still need the token or a login. */
@ExtendWith(WebExtension.class)
@WebExtension.OpenReads
class OpenReadsIT {

  @Test
  void readsAreOpenWritesAreNot(WebFixture web) {
    String id = web.post("/api/v1/targets", "{\"name\":\"open\",\"url\":\"https://open.example.com/\"}").json().get("id").asText();
    assertThat(web.send("GET", "/api/v1/targets", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/api/v1/targets/" + id + "/stats", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/api/v1/targets/export", Optional.empty(), Optional.empty(), "").status()).isEqualTo(401);
    assertThat(web.send("DELETE", "/api/v1/targets/" + id, Optional.empty(), Optional.empty(), "").status()).isEqualTo(401);
    assertThat(web.send("GET", "/api/v1/targets", Optional.of("wrong-token-0123456789"), Optional.empty(), "").status())
        .as("a wrong token is still refused").isEqualTo(401);

    UiClient anonymous = new UiClient(web.base());
    HttpResponse<String> list = anonymous.get("/targets");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("open").doesNotContain("Add a target").contains("Log in");
    HttpResponse<String> page = anonymous.get("/targets/" + id);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).doesNotContain("id=\"delete-target\"");
    assertThat(anonymous.get("/targets/new").statusCode()).isEqualTo(302);
    assertThat(anonymous.get("/targets/" + id + "/edit").statusCode()).isEqualTo(302);
  }

  @Test
  void theExportAndTheFormsNeedALoginInEverySpelling(WebFixture web) {
    WebFixture.Response created =
        web.post(
            "/api/v1/targets",
            "{\"name\":\"spelled\",\"url\":\"https://spelled.example.com/\",\"headers\":{\"Authorization\":\"Bearer spelled-secret\","
                + "\"X-Api-Key\":\"spelled-key\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asText();
    List<String> secrets = List.of("spelled-secret", "spelled-key");
    RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), "/api/v1/targets/export", Optional.empty(), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), "/targets/new", Optional.empty(), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), "/targets/" + id + "/edit", Optional.empty(), secrets);
    long rows = web.targetRows();
    long offset = web.topicEndOffset();
    String body = "{\"url\":\"https://anonymous.example.com/\"}";
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/targets", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/targets/import", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("PUT", "DELETE"), "/api/v1/targets/" + id, Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/targets/" + id + "/delete", Optional.of(body), secrets);
    assertThat(web.targetRows()).isEqualTo(rows);
    assertThat(web.topicEndOffset()).isEqualTo(offset);
    // Reads that open reads do cover stay open, also spelled otherwise.
    assertThat(web.send("GET", "/api/v1/targets/" + id + "/", Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("HEAD", "/api/v1/targets/" + id, Optional.empty(), Optional.empty(), "").status()).isEqualTo(200);
    assertThat(web.send("GET", "/api/v1/targets/export", Optional.of(WebFixture.TOKEN), Optional.empty(), "").body())
        .contains("spelled-secret");
  }

  @Test
  void aRequestBodyIsMaskedLikeASensitiveHeaderAndTheMaskKeepsIt(WebFixture web) {
    WebFixture.Response created =
        web.post(
            "/api/v1/targets",
            "{\"name\":\"login check\",\"url\":\"https://login.example.com/session\",\"method\":\"POST\","
                + "\"headers\":{\"Content-Type\":\"application/x-www-form-urlencoded\"},\"body\":\"user=ops&password=hunter2\"}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.body()).doesNotContain("hunter2");
    String id = created.json().get("id").asText();
    WebFixture.Response anonymous = web.send("GET", "/api/v1/targets/" + id, Optional.empty(), Optional.empty(), "");
    assertThat(anonymous.status()).isEqualTo(200);
    assertThat(anonymous.body()).doesNotContain("hunter2");
    assertThat(anonymous.json().get("body").asText()).isEqualTo(TargetValidator.MASK);
    assertThat(web.get("/api/v1/targets/" + id).json().get("body").asText()).as("the token sees the mask too").isEqualTo(TargetValidator.MASK);
    assertThat(web.send("GET", "/api/v1/targets?size=200", Optional.empty(), Optional.empty(), "").body()).doesNotContain("hunter2");
    UiClient anonymousUi = new UiClient(web.base());
    assertThat(anonymousUi.get("/targets/" + id).body()).contains("login check").doesNotContain("hunter2");

    // A client that reads, changes something and writes back sends the mask: the body stays.
    JsonNode read = web.get("/api/v1/targets/" + id).json();
    String put = read.toString().replace("\"login check\"", "\"login check 2\"");
    WebFixture.Response updated = web.put("/api/v1/targets/" + id, put);
    assertThat(updated.status()).as(updated.body()).isEqualTo(200);
    assertThat(updated.json().get("name").asText()).isEqualTo("login check 2");
    assertThat(web.get("/api/v1/targets/export").body()).contains("password=hunter2");
    // A new target cannot "keep" a body it never had.
    WebFixture.Response masked =
        web.post("/api/v1/targets", "{\"url\":\"https://login.example.com/x\",\"method\":\"POST\",\"body\":\"******\"}");
    assertThat(masked.status()).as(masked.body()).isEqualTo(400);
    assertThat(masked.json().get("fields").get(0).get("field").asText()).isEqualTo("body");

    // The edit form of a session shows the mask, and saving it unchanged keeps the body.
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String edit = ui.get("/targets/" + id + "/edit").body();
    assertThat(edit).doesNotContain("hunter2").contains(">******</textarea>");
    HttpResponse<String> saved =
        ui.post(
            "/targets/" + id,
            Map.of(
                "_csrf", UiClient.csrf(edit), "name", "login check 3", "url", "https://login.example.com/session", "intervalPreset", "60",
                "method", "POST", "headers", "Content-Type: application/x-www-form-urlencoded", "body", TargetValidator.MASK));
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
    assertThat(web.get("/api/v1/targets/export").body()).contains("password=hunter2").contains("login check 3");
  }

  @Test
  void theStatusPageManagementStaysClosedSoASessionPageStaysPrivate(WebFixture web) {
    // Before, these GETs were READ: with open reads anyone could read a session or token page's
    // posts through the management API although /status/{slug} refused them.
    WebFixture.Response page = web.post("/api/v1/status-pages", "{\"slug\":\"internal-ops\",\"title\":\"Internal ops\",\"visibility\":\"session\"}");
    assertThat(page.status()).as(page.body()).isEqualTo(201);
    WebFixture.Response post =
        web.post("/api/v1/status-pages/internal-ops/posts", "{\"title\":\"Vault rotation\",\"status\":\"investigating\",\"body\":\"internal-only detail\"}");
    assertThat(post.status()).as(post.body()).isEqualTo(201);
    String postId = post.json().get("id").asText();
    List<String> secrets = List.of("internal-only detail", "Vault rotation", "Internal ops");
    for (String path :
        List.of("/api/v1/status-pages", "/api/v1/status-pages/internal-ops", "/api/v1/status-pages/internal-ops/posts",
            "/api/v1/status-pages/internal-ops/posts/" + postId, "/status-pages")) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    assertThat(web.send("GET", "/status/internal-ops", Optional.empty(), Optional.empty(), "").status()).as("the page itself asks for a login").isIn(302, 401);
    assertThat(web.get("/api/v1/status-pages/internal-ops/posts").body()).as("the token still reads it").contains("internal-only detail");
  }

  @Test
  void notificationChannelsAndDeliveriesStayClosed(WebFixture web) throws Exception {
    WebFixture.Response created =
        web.post("/api/v1/channels", "{\"id\":\"oncall\",\"name\":\"On call\",\"type\":\"email\",\"settings\":{\"to\":[\"oncall@example.com\"],\"host\":\"smtp.example.com\",\"from\":\"webmon@example.com\"}}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    List<String> secrets = List.of("oncall@example.com", "smtp.example.com");
    for (String path :
        List.of("/api/v1/channels", "/api/v1/channels/oncall", "/api/v1/channels/oncall/deliveries",
            "/api/v1/incidents/7d444840-9dc0-11d1-b245-5ffdce74fad2/deliveries", "/channels")) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    assertThat(web.get("/api/v1/channels/oncall").body()).as("the token still reads it").contains("oncall@example.com");
    // The incident page is open, without its deliveries.
    UUID incident = UUID.randomUUID();
    Instant opened = Instant.now().minusSeconds(600);
    IncidentRows.incident(web.db, incident, "shop", "down", "open", opened, null, UUID.randomUUID(), "[]");
    HttpResponse<String> page = new UiClient(web.base()).get("/incidents/" + incident);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("to see the notifications sent for this incident").doesNotContain("incident-deliveries");
  }
}
