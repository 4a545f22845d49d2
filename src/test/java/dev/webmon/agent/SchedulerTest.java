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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SchedulerTest {
  private static final Duration TEN_S = Duration.ofSeconds(10);

  record Fired(String id, String payload, Instant scheduledAt) {}

  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00.123Z"));
  private final List<Fired> fired = new ArrayList<>();
  private final Scheduler<String> scheduler =
      new Scheduler<>(clock, clock::nanoTime, (id, payload, at) -> fired.add(new Fired(id, payload, at)));

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
            clock::nanoTime,
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

  @Test
  void aBackwardClockStepNeitherStopsTheChecksNorMovesTheirGrid() {
    record Dispatch(String id, long scheduledAt, long wall) {}
    long interval = TEN_S.toMillis();
    List<Dispatch> dispatched = new ArrayList<>();
    Scheduler<String> s =
        new Scheduler<>(
            clock,
            clock::nanoTime,
            (id, payload, at) -> dispatched.add(new Dispatch(id, at.toEpochMilli(), clock.millis())));
    s.scheduleNow("t1", "v1", TEN_S);
    s.runOnce(clock.instant());
    long slot = Scheduler.nextSlot("t1", interval, clock.millis() + 3_000);
    clock.advance(Duration.ofMillis(slot - 3_000 - clock.millis())); // 3 s before a slot
    s.runOnce(clock.instant());
    dispatched.clear();
    long step = 3_600_000 + 2_500; // NTP steps the wall clock back by 1 h 2.5 s
    clock.stepWall(Duration.ofMillis(-step));
    s.scheduleNow("t2", "v1", TEN_S); // scheduled after the step, before the timer noticed it
    for (int i = 0; i < 600; i++) { // one minute passes; the timer wakes every 100 ms
      s.runOnce(clock.instant());
      clock.advance(Duration.ofMillis(100));
    }
    List<Dispatch> t1 = dispatched.stream().filter(d -> d.id().equals("t1")).toList();
    // The check due 3 s after the step still runs 3 s after it, stamped with the wall clock of
    // then; the next one is back on the shared grid (the wall-clock slot), then every 10 s.
    long grid = slot - 3_600_000;
    assertThat(t1)
        .extracting(Dispatch::scheduledAt)
        .containsExactly(
            slot - step, grid, grid + interval, grid + 2 * interval, grid + 3 * interval, grid + 4 * interval,
            grid + 5 * interval);
    assertThat(t1).allSatisfy(d -> assertThat(d.scheduledAt()).isEqualTo(d.wall()));
    // A target scheduled right after the step runs at once, stamped with the stepped wall clock.
    assertThat(dispatched.get(0)).isEqualTo(new Dispatch("t2", slot - 3_000 - step, slot - 3_000 - step));
    assertThat(s.missedSlots()).isZero();
  }

  @Test
  void aBackwardStepOfAFewMillisecondsJustWaitsForTheWallClock() {
    long interval = TEN_S.toMillis();
    long slot = Scheduler.nextSlot("t1", interval, clock.millis() + 1_000);
    scheduler.schedule("t1", "v1", TEN_S, slot);
    clock.advance(Duration.ofMillis(slot - 10 - clock.millis()));
    scheduler.runOnce(clock.instant());
    clock.stepWall(Duration.ofMillis(-50)); // a small correction, below the step tolerance
    scheduler.runOnce(clock.instant());
    assertThat(scheduler.nextRun("t1")).contains(Instant.ofEpochMilli(slot));
    clock.advance(Duration.ofMillis(60));
    scheduler.runOnce(clock.instant());
    assertThat(fired).extracting(f -> f.scheduledAt().toEpochMilli()).endsWith(slot);
    assertThat(scheduler.nextRun("t1")).contains(Instant.ofEpochMilli(slot + interval));
  }

  @Test
  void cancelledAndReplacedEntriesLeaveTheQueue() {
    Duration day = Duration.ofDays(1);
    int targets = 100_000;
    for (int i = 0; i < targets; i++) {
      scheduler.scheduleWithin("t" + i, "v0", day, day);
    }
    // Every target edited five times (due at once, or later in the day), then half of them deleted.
    for (int round = 1; round <= 5; round++) {
      for (int i = 0; i < targets; i++) {
        if (round % 2 == 0) {
          scheduler.scheduleWithin("t" + i, "v" + round, day, day);
        } else {
          scheduler.scheduleNow("t" + i, "v" + round, day);
        }
      }
      assertThat(scheduler.queued()).as("round %d", round).isLessThanOrEqualTo(2 * targets);
    }
    for (int i = 0; i < targets; i += 2) {
      assertThat(scheduler.cancel("t" + i)).isTrue();
    }
    assertThat(scheduler.size()).isEqualTo(targets / 2);
    assertThat(scheduler.queued()).isBetween(targets / 2, targets);
    assertThat(scheduler.runOnce(clock.instant())).isEqualTo(targets / 2);
    assertThat(fired).extracting(Fired::payload).containsOnly("v5");
    assertThat(scheduler.queued()).isLessThanOrEqualTo(2 * scheduler.size());
  }

  @Test
  void aTimerThreadKilledByAnErrorIsStalled() {
    AtomicBoolean dispatched = new AtomicBoolean();
    try (Scheduler<String> live =
        new Scheduler<>(
            clock,
            clock::nanoTime,
            (id, p, at) -> {
              dispatched.set(true);
              throw new StackOverflowError("a dispatcher bug");
            })) {
      live.start();
      assertThat(live.stalled()).isFalse();
      live.scheduleNow("a", "v", TEN_S);
      await().atMost(Duration.ofSeconds(5)).untilTrue(dispatched);
      await().atMost(Duration.ofSeconds(5)).until(live::stalled);
    }
  }

  @Test
  void aTimerThreadStuckInADispatchIsStalledUntilItCompletesAnIteration() throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean first = new AtomicBoolean(true);
    try (Scheduler<String> live =
        new Scheduler<>(
            clock,
            clock::nanoTime,
            (id, p, at) -> {
              if (first.getAndSet(false)) {
                entered.countDown();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            })) {
      live.start();
      live.scheduleNow("a", "v", TEN_S);
      assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
      clock.advance(Scheduler.STALL_AFTER.minusSeconds(1));
      assertThat(live.stalled()).isFalse();
      clock.advance(Duration.ofSeconds(2));
      assertThat(live.stalled()).isTrue();
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> !live.stalled());
    }
  }
}
