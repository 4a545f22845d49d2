package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static final Duration TEN_S = Duration.ofSeconds(10);

  record Fired(String id, String payload, Instant scheduledAt) {}

  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00.123Z"));
  private final List<Fired> fired = new ArrayList<>();
  private final Scheduler<String> scheduler =
      new Scheduler<>(clock, (id, payload, at) -> fired.add(new Fired(id, payload, at)));

  @Test
  void runsAtOnceThenOnItsPhaseWithoutDriftHoweverLateTheTimerWakes() {
    Instant start = clock.instant();
    scheduler.scheduleNow("t1", "v1", TEN_S);
    Random random = new Random(42);
    Instant end = start.plus(Duration.ofHours(3));
    while (clock.instant().isBefore(end)) {
      scheduler.runOnce(clock.instant());
      // The timer wakes up late by up to 0.9 s, and at irregular steps.
      clock.advance(Duration.ofMillis(1 + random.nextInt(900)));
    }
    assertThat(fired.get(0).scheduledAt()).isEqualTo(start);
    long phase = Scheduler.phaseMillis("t1", TEN_S.toMillis());
    List<Instant> onPhase = fired.stream().skip(1).map(Fired::scheduledAt).toList();
    assertThat(onPhase).allSatisfy(t -> assertThat(Math.floorMod(t.toEpochMilli(), 10_000L)).isEqualTo(phase));
    for (int i = 1; i < onPhase.size(); i++) {
      assertThat(Duration.between(onPhase.get(i - 1), onPhase.get(i))).isEqualTo(TEN_S);
    }
    // 3 h at 10 s = 1080 slots (one may fall right at the end) + the immediate first run.
    assertThat(fired).hasSizeBetween(1080, 1081);
    assertThat(scheduler.missedSlots()).isZero();
  }

  @Test
  void aSlowDispatchDoesNotShiftTheNextSlot() {
    Instant start = clock.instant();
    List<Instant> at = new ArrayList<>();
    Scheduler<String> s =
        new Scheduler<>(
            clock,
            (id, payload, scheduledAt) -> {
              at.add(scheduledAt);
              clock.advance(Duration.ofSeconds(7)); // the "work" takes 7 s of the 10 s interval
            });
    s.schedule("t1", "v1", TEN_S, start.toEpochMilli());
    for (int i = 0; i < 50; i++) {
      s.runOnce(clock.instant());
      clock.set(s.nextRun("t1").orElseThrow());
    }
    for (int i = 2; i < at.size(); i++) {
      assertThat(Duration.between(at.get(i - 1), at.get(i))).isEqualTo(TEN_S);
    }
  }

  @Test
  void phasesOfManyTargetsSpreadEvenlyOverTheInterval() {
    int targets = 100_000;
    int[] perSecond = new int[60];
    for (int i = 0; i < targets; i++) {
      perSecond[(int) (Scheduler.phaseMillis("target-" + i, 60_000) / 1000)]++;
    }
    int expected = targets / 60;
    for (int count : perSecond) {
      assertThat(count).isBetween(expected * 85 / 100, expected * 115 / 100);
    }
  }

  @Test
  void phaseIsStableAcrossProcessesAndReleases() {
    // Pinned: agents of every version must agree on a target's slots.
    assertThat(Scheduler.hash("target-1")).isEqualTo(Scheduler.hash("target-1"));
    assertThat(Scheduler.phaseMillis("target-1", 60_000)).isEqualTo(PINNED_PHASE);
    assertThat(Scheduler.phaseMillis("target-2", 60_000)).isNotEqualTo(PINNED_PHASE);
  }

  private static final long PINNED_PHASE = Scheduler.phaseMillis("target-1", 60_000);

  @Test
  void nextSlotIsTheFirstSlotStrictlyAfter() {
    long interval = 10_000;
    long phase = Scheduler.phaseMillis("x", interval);
    long slot = 1_700_000_000_000L - Math.floorMod(1_700_000_000_000L - phase, interval);
    assertThat(Scheduler.nextSlot("x", interval, slot - 1)).isEqualTo(slot);
    assertThat(Scheduler.nextSlot("x", interval, slot)).isEqualTo(slot + interval);
    assertThat(Scheduler.nextSlot("x", interval, slot + interval - 1)).isEqualTo(slot + interval);
  }

  @Test
  void aChangedTargetRunsAtOnceAndTheOldVersionNeverAgain() {
    scheduler.scheduleNow("t1", "v1", TEN_S);
    scheduler.runOnce(clock.instant());
    clock.advance(Duration.ofSeconds(3));
    scheduler.scheduleNow("t1", "v2", TEN_S);
    scheduler.runOnce(clock.instant());
    assertThat(fired).extracting(Fired::payload).containsExactly("v1", "v2");
    assertThat(fired.get(1).scheduledAt()).isEqualTo(clock.instant());
    for (int i = 0; i < 100; i++) {
      clock.advance(Duration.ofSeconds(1));
      scheduler.runOnce(clock.instant());
    }
    assertThat(fired).hasSizeBetween(11, 12);
    assertThat(fired.subList(1, fired.size())).extracting(Fired::payload).containsOnly("v2");
    assertThat(scheduler.size()).isEqualTo(1);
  }

  @Test
  void aCancelledTargetStops() {
    scheduler.scheduleNow("t1", "v1", TEN_S);
    scheduler.scheduleNow("t2", "v1", TEN_S);
    scheduler.runOnce(clock.instant());
    assertThat(scheduler.cancel("t1")).isTrue();
    assertThat(scheduler.cancel("t1")).isFalse();
    for (int i = 0; i < 60; i++) {
      clock.advance(Duration.ofSeconds(1));
      scheduler.runOnce(clock.instant());
    }
    assertThat(fired.stream().filter(f -> f.id().equals("t1"))).hasSize(1);
    assertThat(fired.stream().filter(f -> f.id().equals("t2")).count()).isBetween(6L, 7L);
    assertThat(scheduler.isCurrent("t1", "v1")).isFalse();
    assertThat(scheduler.size()).isEqualTo(1);
  }

  @Test
  void aTimerFarBehindSkipsMissedSlotsInsteadOfBursting() {
    long start = clock.millis();
    scheduler.scheduleNow("t1", "v1", TEN_S);
    scheduler.runOnce(clock.instant());
    clock.advance(Duration.ofSeconds(95)); // e.g. the machine was suspended
    scheduler.runOnce(clock.instant());
    long slotsMeanwhile = 0;
    for (long t = Scheduler.nextSlot("t1", 10_000, start); t <= clock.millis(); t += 10_000) {
      slotsMeanwhile++;
    }
    // The oldest missed slot runs (its lateness shows in the metric), the others are skipped.
    assertThat(fired).hasSize(2);
    assertThat(scheduler.missedSlots()).isEqualTo(slotsMeanwhile - 1);
    assertThat(scheduler.nextRun("t1").orElseThrow()).isAfter(clock.instant());
  }

  @Test
  void assignedTargetsStartWithinTheSpreadWindowButNeverAfterTheirSlot() {
    Instant now = clock.instant();
    for (int i = 0; i < 1000; i++) {
      String id = "t" + i;
      scheduler.scheduleWithin(id, "v", Duration.ofMinutes(1), Duration.ofSeconds(2));
      Instant first = scheduler.nextRun(id).orElseThrow();
      long slot = Scheduler.nextSlot(id, 60_000, now.toEpochMilli() - 1);
      assertThat(first).isBetween(now, now.plusMillis(1999));
      assertThat(first.toEpochMilli()).isLessThanOrEqualTo(slot);
    }
    scheduler.scheduleWithin("zero", "v", Duration.ofMinutes(1), Duration.ZERO);
    assertThat(scheduler.nextRun("zero")).contains(now);
  }

  @Test
  void theTimerThreadDispatchesDueEntries() {
    List<String> seen = new CopyOnWriteArrayList<>();
    try (Scheduler<String> live = new Scheduler<>(InstantSource.system(), (id, p, at) -> seen.add(id))) {
      live.start();
      live.scheduleNow("a", "v", Duration.ofMillis(200));
      live.scheduleWithin("b", "v", Duration.ofMillis(200), Duration.ofMillis(100));
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().filter("a"::equals).count() >= 3);
      assertThat(seen).contains("b");
    }
  }

  @Test
  void aFirstRunFiringJustAfterItsSlotCoversThatSlotAndIsNotCountedAsBehind() {
    long interval = 10_000;
    long slot = Scheduler.nextSlot("t1", interval, clock.millis());
    scheduler.schedule("t1", "v1", TEN_S, slot - 20); // e.g. an assignment-spread first run
    clock.set(java.time.Instant.ofEpochMilli(slot + 30)); // the timer wakes 50 ms late
    scheduler.runOnce(clock.instant());
    assertThat(fired).hasSize(1);
    assertThat(scheduler.missedSlots()).isZero();
    assertThat(scheduler.nextRun("t1").orElseThrow().toEpochMilli()).isEqualTo(slot + interval);
  }
}
