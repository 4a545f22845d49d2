package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Optional;
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
}
