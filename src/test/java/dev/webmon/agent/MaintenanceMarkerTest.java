package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.TargetSpec;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MaintenanceMarkerTest {
  private static final Instant START = Instant.parse("2026-05-01T20:00:00Z");
  private static final Instant END = Instant.parse("2026-05-01T22:00:00Z");

  private final MaintenanceMarker marker = new MaintenanceMarker();

  private static MaintenanceWindow window(long version, MaintenanceScope scope, MaintenanceSchedule schedule) {
    return new MaintenanceWindow(UUID.nameUUIDFromBytes(scope.toString().getBytes()), version, "Upgrade", "", scope, schedule, START);
  }

  private static MaintenanceScope tags(String... tags) {
    return new MaintenanceScope(false, List.of(), List.of(tags));
  }

  private static TargetSpec target(String id, long version, String... tags) {
    return TargetSpec.builder(id, "https://" + id + ".example.com/").version(version).tags(List.of(tags)).build();
  }

  private static CheckResult result(TargetSpec target, Instant startedAt) {
    return FakeChecker.result(target, startedAt, startedAt, "eu", "a1");
  }

  private boolean flagged(TargetSpec target, Instant startedAt) {
    return marker.mark(target, result(target, startedAt)).maintenance();
  }

  @Test
  void withoutWindowsAResultIsReturnedAsItIs() {
    TargetSpec t = target("t", 1);
    CheckResult r = result(t, START);
    assertThat(marker.mark(t, r)).isSameAs(r);
    marker.update(List.of());
    assertThat(marker.mark(t, r)).isSameAs(r);
  }

  @Test
  void aResultIsFlaggedWhenAWindowCoversTheTargetAtItsStart() {
    marker.update(List.of(window(1, tags("db"), new MaintenanceSchedule.Once(START, END))));
    TargetSpec db = target("db-1", 1, "db", "eu");
    TargetSpec web = target("web-1", 1, "web");

    // Start inclusive, end exclusive, judged at startedAt (not at the time of marking).
    assertThat(flagged(db, START.minusNanos(1))).isFalse();
    assertThat(flagged(db, START)).isTrue();
    assertThat(flagged(db, END.minusNanos(1))).isTrue();
    assertThat(flagged(db, END)).isFalse();
    assertThat(flagged(db, START.plusSeconds(60))).isTrue(); // back into the phase after leaving it
    assertThat(flagged(web, START.plusSeconds(60))).isFalse();
    CheckResult checked = result(db, START);
    CheckResult marked = marker.mark(db, checked);
    assertThat(marked.maintenance()).isTrue();
    assertThat(marked.withMaintenance(false)).isEqualTo(checked); // nothing else changed
  }

  @Test
  void windowsUniteAndScopesByIdTagOrAllApply() {
    Instant monday = Instant.parse("2026-05-04T02:30:00Z"); // a Monday, 02:30 UTC
    MaintenanceWindow weekly =
        window(1, new MaintenanceScope(false, List.of("api"), List.of()),
            new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.MONDAY), LocalTime.of(2, 0), Duration.ofHours(1), ZoneId.of("UTC")));
    MaintenanceWindow everything = window(1, MaintenanceScope.ALL, new MaintenanceSchedule.Once(START, END));
    marker.update(List.of(weekly, everything));
    assertThat(marker.windowCount()).isEqualTo(2);

    assertThat(flagged(target("api", 1), monday)).isTrue();
    assertThat(flagged(target("other", 1), monday)).isFalse();
    assertThat(flagged(target("other", 1), START)).isTrue(); // the all-targets window
    assertThat(flagged(target("api", 1), monday.plus(Duration.ofDays(7)))).isTrue(); // next occurrence
    assertThat(flagged(target("api", 1), monday.plus(Duration.ofHours(1)))).isFalse();
  }

  @Test
  void aChangeOfTheWindowsOrOfTheTargetTakesEffectAtOnce() {
    Instant during = START.plusSeconds(1);
    marker.update(List.of(window(1, tags("db"), new MaintenanceSchedule.Once(START, END))));
    assertThat(flagged(target("t", 1, "db"), during)).isTrue();
    // A new version of the target without the tag: no longer covered (the cache is per version).
    assertThat(flagged(target("t", 2), during)).isFalse();
    assertThat(flagged(target("t", 3, "db"), during)).isTrue();
    // The window moved away, then deleted.
    marker.update(List.of(window(2, tags("db"), new MaintenanceSchedule.Once(END, END.plusSeconds(60)))));
    assertThat(flagged(target("t", 3, "db"), during)).isFalse();
    marker.update(List.of());
    assertThat(flagged(target("t", 3, "db"), END)).isFalse();
  }

  @Test
  void aPhaseIsComputedOncePerStretchNotPerResult() {
    marker.update(List.of(window(1, MaintenanceScope.ALL,
        new MaintenanceSchedule.Cron("0 20 * * *", Duration.ofHours(2), ZoneId.of("UTC")))));
    for (int i = 0; i < 1000; i++) {
      assertThat(flagged(target("t" + (i % 10), 1), START.plusSeconds(i))).isTrue();
    }
    assertThat(marker.phaseComputations()).isEqualTo(1);
    assertThat(flagged(target("t", 1), END.plusSeconds(1))).isFalse();
    assertThat(flagged(target("t", 1), END.plusSeconds(2))).isFalse();
    assertThat(marker.phaseComputations()).isEqualTo(2);
    assertThat(flagged(target("t", 1), START.plus(Duration.ofDays(1)))).isTrue();
    assertThat(marker.phaseComputations()).isEqualTo(3);
  }
}
