package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The server-rendered UI over HTTP: login, session cookie, CSRF, the form and its validation. */
@ExtendWith(WebExtension.class)
class WebUiIT {

  @Test
  void pagesRedirectToTheLoginFormWithoutASession(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    HttpResponse<String> r = ui.get("/targets?status=down");
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location")).contains("/login?next=%2Ftargets%3Fstatus%3Ddown");
  }

  @Test
  void wrongPasswordIsRefusedAndTheRightOneGivesAHardenedSessionCookie(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    HttpResponse<String> wrong = ui.login("not the password");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("Wrong user name or password");

    HttpResponse<String> ok = ui.login(WebFixture.PASSWORD);
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/targets");
    String cookie =
        ok.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(Access.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
    assertThat(ui.get("/targets").statusCode()).isEqualTo(200);
  }

  @Test
  void aFormPostWithoutTheCsrfTokenIsForbiddenAndStoresNothing(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    long rows = web.targetRows();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("url", "https://csrf.example.com/");
    form.put("intervalPreset", "60");
    HttpResponse<String> r = ui.post("/targets", form);
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("CSRF");
    form.put("_csrf", "forged-token");
    assertThat(ui.post("/targets", form).statusCode()).isEqualTo(403);
    assertThat(web.targetRows()).isEqualTo(rows);
  }

  @Test
  void aFormPostWithoutASessionIsNotAccepted(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    long rows = web.targetRows();
    HttpResponse<String> r = ui.post("/targets", Map.of("url", "https://nosession.example.com/", "_csrf", "x"));
    assertThat(r.statusCode()).isEqualTo(302);
    assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/login");
    assertThat(web.targetRows()).isEqualTo(rows);
  }

  @Test
  void theFormCreatesATargetShowsItAndRejectsABadUrlInline(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String newPage = ui.get("/targets/new").body();
    assertThat(newPage).contains("every 1 min").contains("every 30 min").contains("custom");
    String csrf = UiClient.csrf(newPage);

    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("_csrf", csrf);
    bad.put("url", "ftp://files.example.com/");
    bad.put("name", "Bad one");
    bad.put("intervalPreset", "custom");
    bad.put("intervalSeconds", "5");
    long rows = web.targetRows();
    HttpResponse<String> rejected = ui.post("/targets", bad);
    assertThat(rejected.statusCode()).isEqualTo(400);
    assertThat(rejected.body())
        .contains("id=\"url-error\"")
        .contains("scheme must be http or https")
        .contains("id=\"intervalSeconds-error\"")
        .contains("value=\"Bad one\"");
    assertThat(web.targetRows()).isEqualTo(rows);

    Map<String, String> good = new LinkedHashMap<>();
    good.put("_csrf", csrf);
    good.put("url", "https://ui.example.com/status");
    good.put("name", "UI target");
    good.put("intervalPreset", "300");
    good.put("headers", "Accept: text/html\nAuthorization: Bearer abc");
    good.put("tags", "web, ui");
    HttpResponse<String> created = ui.post("/targets", good);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
    String location = created.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/targets/");

    HttpResponse<String> page = ui.get(location);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("UI target").contains("https://ui.example.com/status").contains("every 5 min");
    HttpResponse<String> list = ui.get("/targets");
    assertThat(list.body()).contains("UI target");

    // The edit form shows the credential masked, and saving it unchanged keeps it.
    String edit = ui.get(location + "/edit").body();
    assertThat(edit).contains("Authorization: ******").doesNotContain("Bearer abc");
  }

  @Test
  void logoutEndsTheSession(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String csrf = UiClient.csrf(ui.get("/targets").body());
    HttpResponse<String> out = ui.post("/logout", Map.of("_csrf", csrf));
    assertThat(out.statusCode()).isEqualTo(303);
    assertThat(ui.get("/targets").statusCode()).isEqualTo(302);
  }
}
