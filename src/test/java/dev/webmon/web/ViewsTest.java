package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.TargetSpec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
            .updatedAt(NOW).build();
    ResultQueries.Latency ms = new ResultQueries.Latency(12.0, 10.0, 20.0, 30.0, 40.0);
    ResultQueries.LocationStats fra =
        new ResultQueries.LocationStats("fra", 10, 9, 1, 90.0, ms, "DOWN", NOW.minusSeconds(30), "TIMEOUT");
    List<ResultQueries.Stats> stats =
        TargetPage.STATS_WINDOWS.stream()
            .map(w -> new ResultQueries.Stats(
                "t1", w, NOW.minusSeconds(86_400), NOW, w.equals("24h"), 10, 9, 1, 90.0, ms, Map.of("UP", 9L, "DOWN", 1L),
                Map.of("TIMEOUT", 1L), List.of(fra)))
            .toList();
    ResultQueries.ResultItem down =
        new ResultQueries.ResultItem(
            java.util.UUID.randomUUID(), NOW.minusSeconds(30), NOW.minusSeconds(30), "fra", "a1", "DOWN", "TIMEOUT", null,
            Map.of(), 10_000.0, 0, null, null, null, 0, null, "no answer in 10 s", 1);
    TargetPage view =
        TargetPage.of(
            new TargetStore.Stored(spec, NOW), "7d", "fra", true, stats,
            new ResultQueries.ResultPage(List.of(down), NOW.minusSeconds(3600), NOW, null), NOW);

    String html = new Views().render("target", page("Shop", "view", view));

    assertThat(view.seriesUrl()).isEqualTo("/api/v1/targets/t1/series?window=7d&location=fra");
    assertThat(html)
        .contains("<h1>Shop</h1>")
        .contains("href=\"/targets/t1/edit\"")
        .contains("<code>X-Api-Key</code>")
        .doesNotContain("secret")
        .contains("data-series-url=\"/api/v1/targets/t1/series?window=7d&amp;location=fra\"")
        .contains("<span class=\"tag down\">TIMEOUT × 1</span>")
        .contains("<span class=\"dot down\"></span> down (TIMEOUT)")
        .contains("<tr class=\"down\">")
        .contains("no answer in 10 s")
        .contains("<td>24h</td>")
        .contains("title=\"from hourly rollups\"");
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
}
