package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.store.DailyUptime;
import dev.webmon.store.StatusPages;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The 90-day bar's cells of a {@link StatusModel}: the day's uptime with and without the checks flagged maintenance. */
class StatusModelTest {
  private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
  private static final LocalDate TODAY = LocalDate.parse("2026-12-01");

  private static StatusModel model(List<DailyUptime.Tally> days) {
    StatusPages.Page page = new StatusPages.Page("shop", "Shop", "", "public", false, "", NOW);
    return StatusModel.build(
        page, List.of(new StatusPages.Component(1, "Checkout", 0, List.of("t1", "t2"))),
        List.of(new StatusPages.PageTarget("t1", "https://a.example/", List.of()), new StatusPages.PageTarget("t2", "https://b.example/", List.of())),
        days, List.of(), List.of(), List.of(), StatusMaintenance.of(List.of(), Map.of(), NOW), NOW);
  }

  private static DailyUptime.Tally tally(String target, LocalDate day, long checks, long up, long maintenance, long maintenanceUp) {
    return new DailyUptime.Tally(target, day, checks, up, checks * 100_000.0, maintenance, maintenanceUp);
  }

  @Test
  void aDayWithMaintenanceChecksShowsItsUptimeExcludingThemSummedOverTheComponentsTargets() {
    LocalDate day = TODAY.minusDays(5);
    StatusModel m =
        model(
            List.of(
                // 140 of 150 up; 20 checks in maintenance of which 15 up: 125 of 130 outside it.
                tally("t1", day, 100, 90, 20, 15), tally("t2", day, 50, 50, 0, 0),
                // Every check in maintenance: no figure outside it.
                tally("t1", TODAY.minusDays(3), 10, 0, 10, 0),
                // No maintenance at all.
                tally("t1", TODAY.minusDays(2), 40, 39, 0, 0)));
    List<StatusModel.Day> days = m.components().get(0).days();
    assertThat(days).hasSize(StatusModel.DAYS);

    StatusModel.Day d = days.get(StatusModel.DAYS - 1 - 5);
    assertThat(d.date()).isEqualTo(day.toString());
    assertThat(d.uptime()).contains(93.333); // 140 / 150, rounded down
    assertThat(d.maintenance()).isTrue();
    assertThat(d.uptimeExcludingMaintenance()).contains(96.153); // 125 / 130 = 96.1538…
    assertThat(d.tooltip()).isEqualTo("2026-11-26: 93.33 % up, 96.15 % excluding maintenance, no incidents");

    StatusModel.Day all = days.get(StatusModel.DAYS - 1 - 3);
    assertThat(all.uptime()).contains(0.0);
    assertThat(all.maintenance()).isTrue();
    assertThat(all.uptimeExcludingMaintenance()).isEmpty();
    assertThat(all.tooltip()).isEqualTo("2026-11-28: 0.00 % up, only maintenance checks, no incidents");

    StatusModel.Day plain = days.get(StatusModel.DAYS - 1 - 2);
    assertThat(plain.maintenance()).isFalse();
    assertThat(plain.uptimeExcludingMaintenance()).isEmpty();
    assertThat(plain.tooltip()).isEqualTo("2026-11-29: 97.50 % up, no incidents");

    // The JSON lists the figure only for the days with maintenance checks.
    JsonNode json = Json.MAPPER.valueToTree(StatusFormats.json(m)).at("/components/0/days");
    assertThat(json.at("/84/uptime").asDouble()).isEqualTo(93.333);
    assertThat(json.at("/84/uptimeExcludingMaintenance").asDouble()).isEqualTo(96.153);
    assertThat(json.get(86).has("uptimeExcludingMaintenance")).isTrue();
    assertThat(json.at("/86/uptimeExcludingMaintenance").isNull()).isTrue();
    assertThat(json.at("/87/uptime").asDouble()).isEqualTo(97.5);
    assertThat(json.get(87).has("uptimeExcludingMaintenance")).isFalse();
  }
}
