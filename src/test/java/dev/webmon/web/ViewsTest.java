package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.Outcome;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.FrequencyViews;
import dev.webmon.store.ResultPages;
import dev.webmon.store.StoredTarget;
import dev.webmon.store.TargetList;
import dev.webmon.store.TargetStats;
import dev.webmon.store.Targets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ViewsTest {
  @Test
  void everyValueIsEscaped() {
    String html =
        new Views()
            .render(
                "error",
                Map.of(
                    "status", 400,
                    "message", "<script>alert(1)</script>",
                    "fields", List.of(new FieldError("\"><b>x", "it's <bad>")),
                    "loggedIn", true,
                    "csrf", "\"><svg onload=alert(1)>",
                    "title", "<title>",
                    "path", "/x"));
    assertThat(html)
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .contains("&quot;&gt;&lt;b&gt;x")
        .contains("it&#39;s &lt;bad&gt;")
        .contains("value=\"&quot;&gt;&lt;svg onload=alert(1)&gt;\"")
        .doesNotContain("<script>alert")
        .doesNotContain("<svg onload");
  }

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static Map<String, Object> page(String title, String key, Object view) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    m.put("loggedIn", true);
    m.put("csrf", "tok");
    m.put("path", "/targets/t1");
    m.put(key, view);
    return m;
  }

  @Test
  void theTargetPageRendersItsTypedView() {
    TargetSpec spec =
        TargetSpec.builder("t1", "https://example.com/health").name("Shop").header("X-Api-Key", "secret").tag("prod")
            .mustMatch("ok").updatedAt(NOW).build();
    TargetStats.Latency ms = new TargetStats.Latency(12.0, 10.0, 20.0, 30.0, 40.0);
    TargetStats.LocationStats fra =
        new TargetStats.LocationStats("fra", 10, 9, 1, 90.0, ms, "DOWN", NOW.minusSeconds(30), "TIMEOUT");
    List<TargetStats.Stats> stats =
        TargetPage.STATS_WINDOWS.stream()
            .map(w -> new TargetStats.Stats(
                "t1", w, NOW.minusSeconds(86_400), NOW, w.equals("24h"), 10, 9, 1, 90.0, 0, 90.0, ms, Map.of("UP", 9L, "DOWN", 1L),
                Map.of("TIMEOUT", 1L), List.of(fra)))
            .toList();
    ResultPages.ResultItem down =
        new ResultPages.ResultItem(
            java.util.UUID.randomUUID(), NOW.minusSeconds(30), NOW.minusSeconds(30), "fra", "a1", Outcome.DOWN, "TIMEOUT", null,
            Map.of(), 10_000.0, 0, null, null, null, 0, null, "no answer in 10 s", 1, false);
    ResultPages.ResultItem muted =
        new ResultPages.ResultItem(
            java.util.UUID.randomUUID(), NOW.minusSeconds(90), NOW.minusSeconds(90), "fra", "a1", Outcome.DOWN, "HTTP_STATUS", 503,
            Map.of(), 40.0, 0, null, null, null, 0, null, "503 during the upgrade", 1, true);
    TargetPage view =
        TargetPage.of(
            new StoredTarget(spec, NOW), "7d", "fra", true, stats,
            new ResultPages.ResultPage(List.of(down, muted), NOW.minusSeconds(3600), NOW, null), NOW);

    Map<String, Object> model = page("Shop", "view", view);
    IncidentPage.Row open =
        new IncidentPage.Row("i1", "/incidents/i1", "t1", "Shop", "open", "down", "down", "5 min ago", "", "5 min", "fra", "");
    model.put("incidents", List.of(open));
    model.put("openIncidents", List.of(open));
    String html = new Views().render("target", model);
    assertThat(html).contains("Open incident: <a href=\"/incidents/i1\">down</a>").contains("<tr data-id=\"i1\" class=\"incident open\">");

    assertThat(view.seriesUrl()).isEqualTo("/api/v1/targets/t1/series?window=7d&location=fra");
    assertThat(html)
        .contains("<h1>Shop</h1>")
        .contains("href=\"/targets/t1/edit\"")
        .contains("<code>X-Api-Key</code>")
        .contains("expecting 200-399, body must match <code>ok</code>, headers: <code>X-Api-Key</code>")
        .doesNotContain("secret")
        .contains("data-series-url=\"/api/v1/targets/t1/series?window=7d&amp;location=fra\"")
        .contains("<span class=\"tag down\">TIMEOUT × 1</span>")
        .contains("<span class=\"dot down\"></span> down (TIMEOUT)")
        .contains("<tr class=\"down\">")
        .contains("no answer in 10 s")
        .contains("<td>24h</td>")
        .contains("title=\"from hourly rollups\"");
    // Only the result taken under a maintenance window carries the badge.
    String badge = "<span class=\"tag maintenance\" title=\"taken while a maintenance window covered the target\">maintenance</span>";
    assertThat(html.split(java.util.regex.Pattern.quote(badge), -1)).hasSize(2);
    assertThat(html).contains("DOWN " + badge + "</td><td>HTTP_STATUS</td>");
  }

  @Test
  void theFormRendersItsTypedView() {
    TargetSpec spec = TargetSpec.builder("t1", "https://example.com/").name("Shop").version(3).updatedAt(NOW).build();
    TargetForm form = TargetForm.editing(spec, TargetForm.valuesOf(spec), List.of(new FieldError("tags[1]", "is too long")), "");

    String html = new Views().render("target_form", page(form.title(), "form", form));

    assertThat(form.title()).isEqualTo("Edit Shop");
    assertThat(html)
        .contains("action=\"/targets/t1\"")
        .contains("name=\"version\" value=\"3\"")
        .contains("value=\"https://example.com/\"")
        .contains("<p class=\"error\" id=\"tags-error\">[1]: is too long</p>")
        .contains("<option value=\"60\" selected>every 1 min</option>");
    assertThat(new Views().render("target_form", page("Add a target", "form", TargetForm.blank())))
        .contains("action=\"/targets\"")
        .doesNotContain("name=\"version\"");
  }

  @Test
  void theTargetsPageFlagsFailingChannelsEscaped() {
    TargetListPage list =
        TargetListPage.of(TargetList.Filter.firstPage(), new TargetList.Page(List.of(), 1, 50, 0), NOW, "", "");
    Map<String, Object> m = page("Targets", "list", list);
    m.put("failingChannels", List.of(new dev.webmon.store.DeliveryLog.Failing("ops", "<b>Ops</b>", "failed", "HTTP 404", NOW)));
    String html = new Views().render("targets", m);
    assertThat(html).contains("id=\"failing-channels\"").contains("&lt;b&gt;Ops&lt;/b&gt;</a> (failed)").contains("href=\"/channels#channel-ops\"");
    m.put("failingChannels", List.of());
    assertThat(new Views().render("targets", m)).doesNotContain("failing-channels");
  }

  @Test
  void theChannelFormShowsSecretsOnlyAsSet() {
    com.fasterxml.jackson.databind.node.ObjectNode secrets =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("url", "https://hooks.example.com/t0ken").put("secret", "s3cret-0123456789");
    dev.webmon.store.ChannelWrites.Row row =
        new dev.webmon.store.ChannelWrites.Row(
            "hook", "webhook", "Hook <1>", true, "down", true, List.of(), List.of("prod"),
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(), secrets,
            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("subject", "{{ target.name }}"), 4, NOW);
    String html = new Views().render("channel_form", page("Edit", "form", ChannelForm.editing(row, List.of())));
    assertThat(html)
        .contains("id=\"settings.url-state\">set<")
        .contains("id=\"settings.secret-state\">set<")
        .as("a required secret has no remove box").doesNotContain(".clear\"")
        .contains("name=\"version\" value=\"4\"")
        .contains("value=\"{{ target.name }}\"")
        .contains("value=\"prod\"")
        .doesNotContain("t0ken")
        .doesNotContain("s3cret");
  }

  @Test
  void theListRendersItsTypedView() {
    TargetList.Filter filter =
        new TargetList.Filter(
            Optional.of("shop & co"), Optional.of(TargetList.Status.DEGRADED), Optional.of("prod"), Optional.of(300), "name", 2, 10);
    TargetList.Row row =
        new TargetList.Row(
            "t1", "Shop", "https://example.com/", 300, List.of("prod", "eu"), 1, TargetList.Status.DEGRADED, 3, 2,
            NOW.minusSeconds(90), 99.5, null, 100.0, 123.4, List.of(100.0, 200.0), List.of(1.0, 1.0), null);
    TargetListPage list = TargetListPage.of(filter, new TargetList.Page(List.of(row), 2, 10, 25), NOW, "Old shop", "");

    String html = new Views().render("targets", page("Targets", "list", list));

    assertThat(list.prevUrl()).isEqualTo("/targets?q=shop+%26+co&status=degraded&tag=prod&interval=300&sort=name&size=10");
    assertThat(list.nextUrl()).endsWith("&sort=name&page=3&size=10");
    assertThat(list.sortLinks().get("name")).contains("sort=-name");
    assertThat(html)
        .contains("<h1>Targets <span class=\"muted\">(25)</span></h1>")
        .contains("Deleted “Old shop”.")
        .contains("<span class=\"dot degraded\" title=\"down in 1 of 3 locations\"></span>")
        .contains("<span class=\"tag\">eu</span>")
        .contains("value=\"shop &amp; co\"")
        .contains("<option value=\"300\" selected>every 5 min</option>")
        .contains("<option value=\"degraded\" selected>degraded</option>")
        .contains("Page 2 of 3")
        .contains("rel=\"prev\"")
        .contains("rel=\"next\"")
        .contains("<polyline");
  }

  @Test
  void theFrequencyViewsRender() {
    Map<String, Object> m = page("Views by frequency", "rows",
        List.of(TargetPageRoutes.FrequencyRow.of(new FrequencyViews.Frequency("targets_every_5m", 300, 4, 3, 1, 0))));

    assertThat(new Views().render("frequencies", m))
        .contains("<a href=\"/targets?interval=300\">every 5 min</a>")
        .contains("<code>targets_every_5m</code>")
        .contains("<a href=\"/targets?interval=300&amp;status=down\">1</a>");
  }
}
