package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.event.MaintenanceSchedule.Occurrence;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Occurrences at exact instants, across DST changes in both directions. */
class MaintenanceScheduleTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Instant at(String s) {
    return Instant.parse(s);
  }

  private static Occurrence occ(String start, String end) {
    return new Occurrence(at(start), at(end));
  }

  private static final MaintenanceSchedule SUNDAY_2AM_BERLIN =
      new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), Duration.ofHours(2), BERLIN);

  @Test
  void weeklyKeepsLocalTimesAcrossBothDstChanges() {
    // 2026-03-29: clocks go 02:00 CET -> 03:00 CEST, so 02:00 does not exist: it starts at 03:00 CEST.
    // 2026-10-25: clocks go 03:00 CEST -> 02:00 CET, so 02:00 happens twice: the first (CEST) counts.
    assertThat(SUNDAY_2AM_BERLIN.between(at("2026-03-20T00:00:00Z"), at("2026-04-06T00:00:00Z"), 10))
        .containsExactly(
            occ("2026-03-22T01:00:00Z", "2026-03-22T03:00:00Z"),
            occ("2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z"),
            occ("2026-04-05T00:00:00Z", "2026-04-05T02:00:00Z"));
    assertThat(SUNDAY_2AM_BERLIN.between(at("2026-10-18T00:00:00Z"), at("2026-11-02T00:00:00Z"), 10))
        .containsExactly(
            occ("2026-10-18T00:00:00Z", "2026-10-18T02:00:00Z"),
            occ("2026-10-25T00:00:00Z", "2026-10-25T03:00:00Z"),
            occ("2026-11-01T01:00:00Z", "2026-11-01T03:00:00Z"));
  }

  @Test
  void startIsInclusiveEndExclusive() {
    assertThat(SUNDAY_2AM_BERLIN.activeAt(at("2026-03-29T00:59:59.999Z"))).isFalse();
    assertThat(SUNDAY_2AM_BERLIN.activeAt(at("2026-03-29T01:00:00Z"))).isTrue();
    assertThat(SUNDAY_2AM_BERLIN.activeAt(at("2026-03-29T01:59:59.999Z"))).isTrue();
    assertThat(SUNDAY_2AM_BERLIN.activeAt(at("2026-03-29T02:00:00Z"))).isFalse();
    assertThat(SUNDAY_2AM_BERLIN.phaseAt(at("2026-03-29T01:30:00Z")))
        .isEqualTo(new MaintenanceSchedule.Phase(true, at("2026-03-29T01:00:00Z"), at("2026-03-29T02:00:00Z")));
    assertThat(SUNDAY_2AM_BERLIN.phaseAt(at("2026-03-29T02:00:00Z")))
        .isEqualTo(new MaintenanceSchedule.Phase(false, at("2026-03-29T02:00:00Z"), at("2026-04-05T00:00:00Z")));
  }

  @Test
  void cronFollowsTheSameRulesAsWeekly() {
    MaintenanceSchedule cron = new MaintenanceSchedule.Cron("0 2 * * 0", Duration.ofHours(2), BERLIN);
    Instant from = at("2026-01-01T00:00:00Z");
    Instant to = at("2027-01-01T00:00:00Z");
    assertThat(cron.between(from, to, 100)).isEqualTo(SUNDAY_2AM_BERLIN.between(from, to, 100)).hasSize(52);
  }

  @Test
  void newYorkNightlyWindowAcrossSpringForward() {
    MaintenanceSchedule nightly =
        new MaintenanceSchedule.Cron("30 1 * * *", Duration.ofHours(1), NEW_YORK);
    // 2026-03-08: 02:00 EST -> 03:00 EDT. 01:30 EST + 1 h local = 02:30, which does not exist: 03:30 EDT.
    assertThat(nightly.between(at("2026-03-07T00:00:00Z"), at("2026-03-10T00:00:00Z"), 10))
        .containsExactly(
            occ("2026-03-07T06:30:00Z", "2026-03-07T07:30:00Z"),
            occ("2026-03-08T06:30:00Z", "2026-03-08T07:30:00Z"),
            occ("2026-03-09T05:30:00Z", "2026-03-09T06:30:00Z"));
  }

  @Test
  void monthlySkipsMonthsWithoutTheDay() {
    MaintenanceSchedule m = new MaintenanceSchedule.Monthly(31, LocalTime.of(23, 0), Duration.ofHours(2), ZoneId.of("UTC"));
    assertThat(m.between(at("2026-01-01T00:00:00Z"), at("2026-06-01T00:00:00Z"), 10))
        .extracting(Occurrence::start)
        .containsExactly(
            at("2025-12-31T23:00:00Z"), // still active at the range's start
            at("2026-01-31T23:00:00Z"),
            at("2026-03-31T23:00:00Z"),
            at("2026-05-31T23:00:00Z"));
    assertThat(m.activeAt(at("2026-02-01T00:59:59Z"))).isTrue();
    assertThat(m.activeAt(at("2026-02-01T01:00:00Z"))).isFalse();
  }

  @Test
  void onceIsOneOccurrence() {
    MaintenanceSchedule once = new MaintenanceSchedule.Once(at("2026-05-01T10:00:00Z"), at("2026-05-01T12:00:00Z"));
    assertThat(once.phaseAt(at("2026-05-01T09:00:00Z")))
        .isEqualTo(new MaintenanceSchedule.Phase(false, Instant.MIN, at("2026-05-01T10:00:00Z")));
    assertThat(once.phaseAt(at("2026-05-01T12:00:00Z")))
        .isEqualTo(new MaintenanceSchedule.Phase(false, at("2026-05-01T12:00:00Z"), Instant.MAX));
    assertThat(once.between(at("2026-05-01T11:00:00Z"), at("2026-05-02T00:00:00Z"), 5)).hasSize(1);
  }

  @Test
  void refusesOverlappingAndImpossibleSchedules() {
    assertThatThrownBy(() -> new MaintenanceSchedule.Weekly(
            Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY), LocalTime.of(22, 0), Duration.ofHours(25), BERLIN))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("schedule.duration")
        .hasMessageContaining("overlap");
    assertThat(new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.MONDAY), LocalTime.of(0, 0), Duration.ofDays(7), BERLIN)
            .activeAt(at("2026-06-03T00:00:00Z")))
        .isTrue();
    assertThatThrownBy(() -> new MaintenanceSchedule.Cron("0 * * * *", Duration.ofMinutes(61), BERLIN))
        .hasMessageContaining("schedule.duration");
    assertThat(new MaintenanceSchedule.Cron("0 * * * *", Duration.ofMinutes(60), BERLIN).activeAt(at("2026-06-03T10:17:00Z")))
        .isTrue();
    assertThatThrownBy(() -> new MaintenanceSchedule.Cron("0 0 30 2 *", Duration.ofHours(1), BERLIN))
        .hasMessageContaining("schedule.cron")
        .hasMessageContaining("never");
    assertThatThrownBy(() -> new MaintenanceSchedule.Cron("0 0 * *", Duration.ofHours(1), BERLIN))
        .hasMessageContaining("schedule.cron");
    assertThatThrownBy(() -> new MaintenanceSchedule.Cron("61 0 * * *", Duration.ofHours(1), BERLIN))
        .hasMessageContaining("schedule.cron");
    assertThatThrownBy(() -> new MaintenanceSchedule.Once(at("2026-05-01T10:00:00Z"), at("2026-05-01T10:00:00Z")))
        .hasMessageContaining("schedule.end");
    assertThatThrownBy(() -> MaintenanceSchedule.zone("Mars/Olympus", "schedule.zone"))
        .hasMessageContaining("schedule.zone");
  }

  @Property(tries = 100)
  void activeAtAgreesWithTheListedOccurrences(@ForAll @LongRange(min = 1_767_225_600L, max = 1_798_761_600L) long second) {
    Instant t = Instant.ofEpochSecond(second);
    for (MaintenanceSchedule s : List.of(
        SUNDAY_2AM_BERLIN,
        new MaintenanceSchedule.Cron("*/20 1-3 * * *", Duration.ofMinutes(20), NEW_YORK),
        new MaintenanceSchedule.Monthly(29, LocalTime.of(2, 30), Duration.ofHours(3), NEW_YORK))) {
      List<Occurrence> around = s.between(t.minus(Duration.ofDays(32)), t.plus(Duration.ofDays(1)), 10_000);
      boolean covered = around.stream().anyMatch(o -> o.covers(t));
      assertThat(s.activeAt(t)).as("%s at %s", s, t).isEqualTo(covered);
      MaintenanceSchedule.Phase phase = s.phaseAt(t);
      assertThat(phase.holdsAt(t)).isTrue();
      assertThat(s.activeAt(phase.since())).isEqualTo(phase.active());
    }
  }
}
