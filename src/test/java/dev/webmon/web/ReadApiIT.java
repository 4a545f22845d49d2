package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.check.AddressPolicy;
import dev.webmon.infra.KafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Results, stats, chart series and the list page against rows written as the sink writes them,
 * with a fixed clock so every expected figure is computed exactly: 30 days of hourly rollups
 * (fully up, 100 ms mean, 200 ms p95) up to 4 hours ago, then 3.5 hours of raw results every
 * minute from two locations, of which the last 10 of location "us" are DOWN (TIMEOUT).
 */
@ExtendWith({KafkaExtension.class, ContextResolver.class})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadApiIT {
  private static final Instant HOUR = Instant.now().truncatedTo(ChronoUnit.HOURS);
  private static final Instant NOW = HOUR.plus(Duration.ofMinutes(30));
  private static final int RAW_PER_LOCATION = 210;
  private static final int ROLLUP_FIRST_K = 4;
  private static final int ROLLUP_LAST_K = 30 * 24 - 2;

  private WebFixture web;
  private String id;
  private String quiet;
  private final List<Long> rawTotals = new ArrayList<>();

  @BeforeAll
  void load(ExtensionContext context) throws Exception {
    web = WebFixture.start(context, false, AddressPolicy.allowingAll(), Clock.fixed(NOW, ZoneOffset.UTC));
    id = web.post("/api/v1/targets", "{\"name\":\"Shop\",\"url\":\"https://shop.example.com/\",\"tags\":[\"prod\"]}").json().get("id").asText();
    quiet = web.post("/api/v1/targets", "{\"name\":\"quiet one\",\"url\":\"https://quiet.example.com/\",\"intervalSeconds\":300}")
        .json().get("id").asText();
    for (String location : List.of("eu", "us")) {
      TestData.rollups(web.db, id, location, HOUR.minus(Duration.ofHours(ROLLUP_LAST_K)), HOUR.minus(Duration.ofHours(ROLLUP_FIRST_K)),
          60, 60, 100_000, 200_000);
      for (int i = 0; i < RAW_PER_LOCATION; i++) {
        Instant at = HOUR.minus(Duration.ofHours(3)).plus(Duration.ofMinutes(i)).plusSeconds(location.equals("eu") ? 5 : 7);
        boolean up = !(location.equals("us") && i >= RAW_PER_LOCATION - 10);
        long total = 1000L * (i % 100 + 1) + (location.equals("us") ? 500 : 0);
        rawTotals.add(total);
        TestData.result(web.db, id, location, at, up, up ? null : "TIMEOUT", total);
      }
      TestData.status(web.db, id, location, HOUR.plus(Duration.ofMinutes(29)), location.equals("eu"), location.equals("eu") ? null : "TIMEOUT");
    }
  }

  @AfterAll
  void close() {
    web.close();
  }

  @Test
  void resultsComePageByPageNewestFirstWithoutGapsOrDuplicates() {
    Set<String> seen = new HashSet<>();
    Instant previous = Instant.MAX;
    String cursor = null;
    int pages = 0;
    do {
      String path = "/api/v1/targets/" + id + "/results?limit=100" + (cursor == null ? "" : "&cursor=" + cursor);
      JsonNode page = web.get(path).json();
      for (JsonNode item : page.get("items")) {
        assertThat(seen.add(item.get("resultId").asText())).isTrue();
        Instant started = Instant.parse(item.get("startedAt").asText());
        assertThat(started).isBeforeOrEqualTo(previous);
        previous = started;
      }
      cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
      pages++;
    } while (cursor != null && pages < 20);
    assertThat(seen).hasSize(2 * RAW_PER_LOCATION);
    assertThat(pages).isEqualTo(5);

    JsonNode down = web.get("/api/v1/targets/" + id + "/results?outcome=DOWN&location=us").json();
    assertThat(down.get("items")).hasSize(10);
    down.get("items").forEach(i -> {
      assertThat(i.get("outcome").asText()).isEqualTo("DOWN");
      assertThat(i.get("reason").asText()).isEqualTo("TIMEOUT");
      assertThat(i.get("detail").asText()).isEqualTo("timed out after 10 s");
    });
    JsonNode window =
        web.get("/api/v1/targets/" + id + "/results?from=" + HOUR.minus(Duration.ofHours(1)) + "&to=" + HOUR + "&limit=1000").json();
    assertThat(window.get("items")).hasSize(2 * 60);
  }

  @Test
  void dayStatsAreExactFromRawRows() {
    JsonNode s = web.get("/api/v1/targets/" + id + "/stats?window=24h").json();
    assertThat(s.get("exact").asBoolean()).isTrue();
    assertThat(s.get("checks").asLong()).isEqualTo(2 * RAW_PER_LOCATION);
    assertThat(s.get("down").asLong()).isEqualTo(10);
    assertThat(s.get("outcomes").get("DOWN").asLong()).isEqualTo(10);
    assertThat(s.get("uptimePercent").asDouble()).isCloseTo(100.0 * 410 / 420, within(0.001));
    long[] sorted = rawTotals.stream().mapToLong(Long::longValue).sorted().toArray();
    assertThat(s.get("responseMs").get("p50").asDouble()).isCloseTo(TestData.percentileCont(sorted, 0.5) / 1000, within(0.051));
    assertThat(s.get("responseMs").get("p95").asDouble()).isCloseTo(TestData.percentileCont(sorted, 0.95) / 1000, within(0.051));
    assertThat(s.get("responseMs").get("p99").asDouble()).isCloseTo(TestData.percentileCont(sorted, 0.99) / 1000, within(0.051));
    assertThat(s.get("recentDownReasons").get("TIMEOUT").asLong()).isEqualTo(10);
    JsonNode us = null;
    for (JsonNode l : s.get("locations")) {
      if (l.get("location").asText().equals("us")) {
        us = l;
      }
    }
    assertThat(us).isNotNull();
    assertThat(us.get("checks").asLong()).isEqualTo(RAW_PER_LOCATION);
    assertThat(us.get("currentStatus").asText()).isEqualTo("DOWN");
    assertThat(us.get("lastReason").asText()).isEqualTo("TIMEOUT");
  }

  @Test
  void monthStatsComeFromRollupsPlusTheRawTail() {
    JsonNode s = web.get("/api/v1/targets/" + id + "/stats?window=30d").json();
    int rollupHours = ROLLUP_LAST_K - ROLLUP_FIRST_K + 1;
    long checks = 2L * rollupHours * 60 + 2 * RAW_PER_LOCATION;
    assertThat(s.get("exact").asBoolean()).isFalse();
    assertThat(s.get("checks").asLong()).isEqualTo(checks);
    assertThat(s.get("down").asLong()).isEqualTo(10);
    assertThat(s.get("uptimePercent").asDouble()).isCloseTo(100.0 * (checks - 10) / checks, within(0.001));
    assertThat(s.get("responseMs").get("p95").asDouble()).isBetween(150.0, 200.0);

    JsonNode week = web.get("/api/v1/targets/" + id + "/stats?window=7d").json();
    int weekHours = 7 * 24 - 1 - ROLLUP_FIRST_K + 1; // rollup hours starting after now - 7 d
    assertThat(week.get("checks").asLong()).isEqualTo(2L * weekHours * 60 + 2 * RAW_PER_LOCATION);
  }

  @Test
  void theMonthChartIsHourlyAndTheSixHourChartIsRaw() {
    JsonNode month = web.get("/api/v1/targets/" + id + "/series?window=30d").json();
    assertThat(month.get("resolution").asText()).isEqualTo("hourly");
    int rollupHours = ROLLUP_LAST_K - ROLLUP_FIRST_K + 1;
    assertThat(month.get("t")).hasSize(rollupHours + 4); // + the raw hours -3h, -2h, -1h and the current one
    assertThat(month.get("avgMs").get(0).asDouble()).isEqualTo(100.0);
    assertThat(month.get("p95Ms").get(0).asDouble()).isEqualTo(200.0);
    assertThat(month.get("locations").toString()).contains("eu", "us");
    long total = 0;
    for (JsonNode c : month.get("checks")) {
      total += c.asLong();
    }
    assertThat(total).isEqualTo(2L * rollupHours * 60 + 2 * RAW_PER_LOCATION);

    JsonNode six = web.get("/api/v1/targets/" + id + "/series?window=6h&location=eu").json();
    assertThat(six.get("resolution").asText()).isEqualTo("raw");
    assertThat(six.get("bucketSeconds").asLong()).isEqualTo(30);
    assertThat(six.get("t")).hasSize(RAW_PER_LOCATION);
    assertThat(six.get("location").asText()).isEqualTo("eu");
    double phases = 0;
    for (String p : List.of("dnsMs", "connectMs", "tlsMs", "ttfbMs", "transferMs")) {
      phases += six.get(p).get(0).asDouble();
    }
    assertThat(phases).isCloseTo(six.get("avgMs").get(0).asDouble(), within(0.3));
  }

  @Test
  void theListShowsStatusUptimeP95AndASparklineAndFilters() {
    JsonNode page = web.get("/api/v1/targets?sort=name").json();
    assertThat(page.get("total").asLong()).isEqualTo(2);
    JsonNode shop = page.get("items").get(1); // by lower-cased name: "quiet one" < "shop"
    assertThat(shop.get("name").asText()).isEqualTo("Shop");
    assertThat(shop.get("status").asText()).isEqualTo("DEGRADED");
    assertThat(shop.get("locations").asInt()).isEqualTo(2);
    assertThat(shop.get("upLocations").asInt()).isEqualTo(1);
    long day = 2L * (23 - ROLLUP_FIRST_K + 1) * 60 + 2 * RAW_PER_LOCATION;
    assertThat(shop.get("uptime24h").asDouble()).isCloseTo(100.0 * (day - 10) / day, within(0.001));
    assertThat(shop.get("p95Ms24h").asDouble()).isGreaterThan(0);
    assertThat(shop.get("sparklineMs")).hasSize(24);
    shop.get("sparklineMs").forEach(v -> assertThat(v.isNull()).isFalse());
    assertThat(shop.get("sparklineMs").get(0).asDouble()).isEqualTo(100.0);
    JsonNode quietRow = page.get("items").get(0);
    assertThat(quietRow.get("status").asText()).isEqualTo("UNKNOWN");
    assertThat(quietRow.get("uptime24h").isNull()).isTrue();

    assertThat(names("/api/v1/targets?status=degraded")).containsExactly("Shop");
    assertThat(names("/api/v1/targets?status=unknown")).containsExactly("quiet one");
    assertThat(names("/api/v1/targets?status=up")).isEmpty();
    assertThat(names("/api/v1/targets?tag=prod")).containsExactly("Shop");
    assertThat(names("/api/v1/targets?interval=300")).containsExactly("quiet one");
    assertThat(names("/api/v1/targets?q=QUIET")).containsExactly("quiet one");
    assertThat(names("/api/v1/targets?q=shop.example")).containsExactly("Shop");
    assertThat(names("/api/v1/targets?sort=-name")).containsExactly("Shop", "quiet one");
    assertThat(names("/api/v1/targets?sort=status")).containsExactly("Shop", "quiet one");
    JsonNode second = web.get("/api/v1/targets?size=1&page=2").json();
    assertThat(second.get("items")).hasSize(1);
    assertThat(second.get("pages").asInt()).isEqualTo(2);
    assertThat(web.get("/api/v1/targets?size=1&page=9").json().get("total").asLong()).isEqualTo(2);
  }

  @Test
  void theUiPagesRenderTheFigures() {
    UiClient ui = new UiClient(web.base());
    ui.login(WebFixture.PASSWORD);
    String list = ui.get("/targets").body();
    assertThat(list).contains("Shop").contains("dot degraded").contains("<polyline points=").contains("99.");
    String page = ui.get("/targets/" + id + "?window=30d").body();
    assertThat(page)
        .contains("data-series-url=\"/api/v1/targets/" + id + "/series?window=30d\"")
        .contains("TIMEOUT × 10")
        .contains("timed out after 10 s");
    String frequencies = ui.get("/frequencies").body();
    assertThat(frequencies).contains("targets_every_1m").contains("targets_every_5m");
  }

  private List<String> names(String path) {
    List<String> out = new ArrayList<>();
    web.get(path).json().get("items").forEach(i -> out.add(i.get("name").asText()));
    return out;
  }
}
