package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a status page shows of maintenance windows, and until when it holds. */
class StatusMaintenanceTest {
  private static final Instant NOW = Instant.parse("2026-03-28T12:00:00Z");
  private static final Map<String, List<String>> TARGETS = Map.of("shop", List.of("web"), "db", List.of("db"));

  @Test
  void onlyWindowsCoveringThePagesTargetsCountAndTheyHoldUntilTheNextStart() {
    MaintenanceWindow weekly =
        window("DB", new MaintenanceScope(false, List.of(), List.of("db")),
            new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), Duration.ofHours(2), ZoneId.of("Europe/Berlin")));
    MaintenanceWindow elsewhere =
        window("Other", new MaintenanceScope(false, List.of("other"), List.of()),
            new MaintenanceSchedule.Once(NOW.minusSeconds(60), NOW.plusSeconds(60)));
    StatusMaintenance m = StatusMaintenance.of(List.of(weekly, elsewhere), TARGETS, NOW);
    assertThat(m.underMaintenance()).isEmpty();
    assertThat(m.upcoming()).extracting(StatusMaintenance.Shown::title).containsExactly("DB");
    assertThat(m.upcoming().get(0).start()).isEqualTo(Instant.parse("2026-03-29T01:00:00Z")); // 03:00 CEST: 02:00 is skipped
    assertThat(m.upcoming().get(0).localText()).isEqualTo("2026-03-29 03:00 – 2026-03-29 04:00 Europe/Berlin");
    // The next Sunday (2026-04-05T00:00Z, 02:00 CEST) enters the 7 days before this one starts.
    assertThat(m.validUntil()).isEqualTo(Instant.parse("2026-03-29T00:00:00Z").plusNanos(1));
    assertThat(StatusMaintenance.of(List.of(weekly), TARGETS, m.validUntil()).upcoming()).hasSize(2);

    StatusMaintenance during = StatusMaintenance.of(List.of(weekly), TARGETS, Instant.parse("2026-03-29T01:30:00Z"));
    assertThat(during.underMaintenance()).containsExactly("db");
    assertThat(during.covers(List.of("shop", "db"))).isTrue();
    assertThat(during.covers(List.of("shop"))).isFalse();
    assertThat(during.upcoming().get(0).active()).isTrue();
    assertThat(during.validUntil()).isEqualTo(Instant.parse("2026-03-29T02:00:00Z"));
  }

  @Test
  void anOccurrenceEnteringTheSevenDaysEndsTheValidity() {
    Instant start = NOW.plus(Duration.ofDays(10));
    MaintenanceWindow later = window("Later", MaintenanceScope.ALL, new MaintenanceSchedule.Once(start, start.plusSeconds(3600)));
    StatusMaintenance m = StatusMaintenance.of(List.of(later), TARGETS, NOW);
    assertThat(m.upcoming()).isEmpty();
    assertThat(m.validUntil()).isEqualTo(start.minus(StatusMaintenance.AHEAD).plusNanos(1));
    assertThat(StatusMaintenance.of(List.of(later), TARGETS, m.validUntil().minusNanos(1)).upcoming()).isEmpty();
    assertThat(StatusMaintenance.of(List.of(later), TARGETS, m.validUntil()).upcoming()).hasSize(1);
    assertThat(StatusMaintenance.of(List.of(), TARGETS, NOW).validUntil()).isEqualTo(Instant.MAX);
  }

  private static MaintenanceWindow window(String title, MaintenanceScope scope, MaintenanceSchedule schedule) {
    return new MaintenanceWindow(UUID.randomUUID(), 1, title, "", scope, schedule, NOW);
  }
}
