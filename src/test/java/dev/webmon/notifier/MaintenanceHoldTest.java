package dev.webmon.notifier;

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
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MaintenanceHoldTest {
  private static Instant at(String s) {
    return Instant.parse(s);
  }

  private static MaintenanceWindow window(MaintenanceScope scope, MaintenanceSchedule schedule) {
    return new MaintenanceWindow(UUID.randomUUID(), 1, "w", "", scope, schedule, at("2026-01-01T00:00:00Z"));
  }

  private static final MaintenanceScope SHOP = new MaintenanceScope(false, List.of("shop"), List.of());

  @Test
  void holdsToTheEndOfTouchingAndOverlappingWindows() {
    List<MaintenanceWindow> ws = List.of(
        window(SHOP, new MaintenanceSchedule.Once(at("2026-03-29T00:00:00Z"), at("2026-03-29T01:00:00Z"))),
        // Sunday 02:00 Berlin on the DST night is 01:00Z-02:00Z: touches the first.
        window(MaintenanceScope.ALL, new MaintenanceSchedule.Weekly(
            Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), Duration.ofHours(2), ZoneId.of("Europe/Berlin"))),
        window(new MaintenanceScope(false, List.of(), List.of("db")),
            new MaintenanceSchedule.Once(at("2026-03-29T01:30:00Z"), at("2026-03-29T03:00:00Z"))));
    assertThat(MaintenanceHold.until(ws, "shop", List.of(), at("2026-03-29T00:30:00Z")))
        .contains(at("2026-03-29T02:00:00Z"));
    assertThat(MaintenanceHold.until(ws, "shop", List.of("db"), at("2026-03-29T00:30:00Z")))
        .contains(at("2026-03-29T03:00:00Z"));
    assertThat(MaintenanceHold.until(ws, "blog", List.of(), at("2026-03-29T00:30:00Z"))).isEmpty();
    assertThat(MaintenanceHold.until(ws, "shop", List.of(), at("2026-03-29T02:00:00Z"))).isEmpty();
    assertThat(MaintenanceHold.until(List.of(), "shop", List.of(), at("2026-03-29T00:30:00Z"))).isEmpty();
  }

  @Test
  void deferringMovesOnlyWhatIsDueEarlier() {
    EscalationPlan.State s = new EscalationPlan.State(at("2026-03-29T00:00:00Z"), false, false, 1,
        Optional.of(at("2026-03-29T00:30:00Z")), 0, Optional.of(at("2026-03-29T03:00:00Z")));
    EscalationPlan.State d = MaintenanceHold.deferTo(s, at("2026-03-29T02:00:00Z"));
    assertThat(d.nextReminderAt()).contains(at("2026-03-29T02:00:00Z"));
    assertThat(d.nextStepAt()).contains(at("2026-03-29T03:00:00Z"));
    assertThat(d.remindersSent()).isEqualTo(1);
  }
}
