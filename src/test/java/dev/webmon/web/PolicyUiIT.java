package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The alert policy pages and the target form's alerting inputs over HTTP: errors next to the field, escaping, CSRF, access. */
@ExtendWith(WebExtension.class)
class PolicyUiIT {

  @Test
  void aPolicyIsAddedEditedAndDeletedThroughTheForms(WebFixture web) {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String csrf = UiClient.csrf(ui.get("/alert-policies/new").body());

    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", csrf);
    form.put("name", "ui-policy");
    form.put("tags", "shop, eu");
    form.put("failureThreshold", "<script>alert(1)</script>");
    form.put("quorum", "2000");
    long rows = web.policyRows();
    HttpResponse<String> bad = ui.post("/alert-policies", form);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body())
        .contains("id=\"failureThreshold-error\"")
        .contains("id=\"quorum-error\"")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>alert(1)</script>")
        .contains("value=\"shop, eu\"");
    assertThat(web.policyRows()).isEqualTo(rows);

    form.put("failureThreshold", "3");
    form.put("quorum", "");
    HttpResponse<String> created = ui.post("/alert-policies", form);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(303);
    String list = ui.get("/alert-policies").body();
    assertThat(list).contains("id=\"policy-ui-policy\"").contains("Failures in a row: 3").contains("shop");

    HttpResponse<String> edit = ui.get("/alert-policies/ui-policy/edit");
    assertThat(edit.statusCode()).isEqualTo(200);
    assertThat(edit.body()).contains("name=\"version\" value=\"1\"").contains("value=\"3\"");
    Map<String, String> change = new LinkedHashMap<>();
    change.put("_csrf", csrf);
    change.put("version", "1");
    change.put("tags", "shop");
    change.put("failureThreshold", "4");
    assertThat(ui.post("/alert-policies/ui-policy", change).statusCode()).isEqualTo(303);
    assertThat(web.get("/api/v1/alert-policies/ui-policy").json().get("failureThreshold").asInt()).isEqualTo(4);
    // A stale version from the form is refused with the reason as a banner.
    HttpResponse<String> stale = ui.post("/alert-policies/ui-policy", change);
    assertThat(stale.statusCode()).isEqualTo(412);
    assertThat(stale.body()).contains("id=\"form-banner\"").contains("version 2");

    HttpResponse<String> refused = ui.post("/alert-policies/default/delete", Map.of("_csrf", csrf));
    assertThat(refused.statusCode()).isEqualTo(409);
    assertThat(refused.body()).contains("id=\"policies-problem\"").contains("cannot be deleted");
    HttpResponse<String> deleted = ui.post("/alert-policies/ui-policy/delete", Map.of("_csrf", csrf));
    assertThat(deleted.statusCode()).isEqualTo(303);
    assertThat(ui.get("/alert-policies?deleted=ui-policy").body()).contains("Deleted alert policy").doesNotContain("id=\"policy-ui-policy\"");
  }

  @Test
  void theTargetFormOffersThePoliciesAndShowsOverrideErrorsNextToTheirInput(WebFixture web) {
    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"form-choice\"}").status()).isEqualTo(201);
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String page = ui.get("/targets/new").body();
    assertThat(page).contains("<option value=\"form-choice\"").contains("name=\"alertOverrides.failureThreshold\"");
    Map<String, String> form = new LinkedHashMap<>();
    form.put("_csrf", UiClient.csrf(page));
    form.put("url", "https://form-policy.example.com/");
    form.put("intervalPreset", "60");
    form.put("alertPolicy", "form-choice");
    form.put("alertOverrides.windowSeconds", "600");
    long rows = web.targetRows();
    HttpResponse<String> bad = ui.post("/targets", form);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("id=\"override-windowSeconds-error\"").contains("<option value=\"form-choice\" selected");
    assertThat(web.targetRows()).isEqualTo(rows);

    form.put("alertOverrides.failuresInWindow", "3");
    HttpResponse<String> ok = ui.post("/targets", form);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
    String id = ok.headers().firstValue("Location").orElseThrow().replace("/targets/", "");
    var target = web.get("/api/v1/targets/" + id).json();
    assertThat(target.get("alertPolicy").asText()).isEqualTo("form-choice");
    assertThat(target.get("alertOverrides").get("windowSeconds").asLong()).isEqualTo(600);
    String edit = ui.get("/targets/" + id + "/edit").body();
    assertThat(edit).contains("<option value=\"form-choice\" selected").contains("name=\"alertOverrides.windowSeconds\" value=\"600\"");
  }

  @Test
  void policyRoutesRefuseAnonymousCallersAndChangeNothing(WebFixture web) {
    assertThat(web.post("/api/v1/alert-policies", "{\"name\":\"closed-policy\",\"tags\":[\"closed-secret-tag\"],\"quorum\":3}").status()).isEqualTo(201);
    List<String> secrets = List.of("closed-secret-tag");
    for (String path : List.of("/api/v1/alert-policies", "/api/v1/alert-policies/closed-policy", "/alert-policies", "/alert-policies/new",
        "/alert-policies/closed-policy/edit")) {
      RouteVariants.assertAnonymousRefused(web, List.of("GET", "HEAD"), path, Optional.empty(), secrets);
    }
    long rows = web.policyRows();
    String body = "{\"name\":\"anonymous\"}";
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/api/v1/alert-policies", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("PUT", "DELETE"), "/api/v1/alert-policies/closed-policy", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/alert-policies", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/alert-policies/closed-policy", Optional.of(body), secrets);
    RouteVariants.assertAnonymousRefused(web, List.of("POST"), "/alert-policies/closed-policy/delete", Optional.of(body), secrets);
    assertThat(web.policyRows()).isEqualTo(rows);
    assertThat(web.get("/api/v1/alert-policies/closed-policy").json().get("quorum").asInt()).isEqualTo(3);
  }
}
