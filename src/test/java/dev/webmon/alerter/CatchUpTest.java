package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ticks after a task is (re)assigned — a restart after an outage of the alerter, a takeover —
 * judge no silence before the task has caught up with its backlog ({@link CatchUp}), yet real
 * silence is still found. The topology in a TopologyTestDriver on the hand-moved clock; the
 * restart is a new driver with the stores restored. Locations a, b, c check every minute at :00,
 * :10, :20; a and b fail from 12:10 to 12:14, so the live stream opens at 12:11:10 and resolves
 * at 12:16 (a UP again: 1 of 3 down is below k = 2).
 */
class CatchUpTest {
  private static final Instant RESTART = Driven.at("12:31:30");

  @Test
  void aRestartWithABacklogGivesExactlyTheTransitionsOfTheLiveStream() {
    List<IncidentEvent> live;
    try (Driven d = new Driven()) {
      d.target();
      script(d, "12:00", "12:33");
      d.until("12:34");
      assertThat(d.log()).containsExactly(
          "12:11:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
          "12:16 RESOLVED down #1 seq=2 []");
      live = d.events();
    }
    List<IncidentEvent> restarted = new ArrayList<>();
    Driven before = new Driven();
    before.target();
    script(before, "12:00", "12:12"); // the incident is open when the alerter dies at 12:12:30
    restarted.addAll(before.events());
    try (Driven d = before.restartAt(RESTART)) {
      // The first ticks of the new task, the clock 19 min after the state's last result: without
      // catching up they would find every location silent (no-data).
      d.until("12:31:40");
      assertThat(d.events()).isEmpty();
      backlog(d, "12:13", "12:31"); // what the agents produced meanwhile, read after those ticks
      script(d, "12:32", "12:33"); // then the live stream again
      d.until("12:34");
      restarted.addAll(d.events());
    }
    assertThat(restarted).isEqualTo(live);
  }

  @Test
  void everyAgentDeadIsNoDataOneGraceAfterTheStart() {
    Driven before = new Driven();
    before.target();
    script(before, "12:00", "12:05");
    try (Driven d = before.restartAt(RESTART)) {
      d.until(RESTART.plus(CatchUp.MIN_GRACE).minus(Driven.TICK));
      assertThat(d.log()).isEmpty();
      d.until("12:34");
      // No result at all: caught up when the grace since the start has passed, 12:32:30.
      assertThat(d.log()).containsExactly(
          "12:32:30 OPENED no-data #1 seq=1 [a:UNKNOWN,b:UNKNOWN,c:UNKNOWN]");
    }
  }

  @Test
  void agentsDeadDuringTheOutageIsNoDataOneGraceAfterTheBacklogDrained() {
    Driven before = new Driven();
    before.target();
    script(before, "12:00", "12:05");
    try (Driven d = before.restartAt(RESTART)) {
      d.until("12:31:35");
      backlog(d, "12:06", "12:10"); // the agents died at 12:10:30
      d.until("12:34");
      // Stream time advanced (to 12:10:21) at the tick of 12:31:40, then no more: the backlog is
      // drained, one grace later the silence is judged.
      assertThat(d.log()).containsExactly(
          "12:32:40 OPENED no-data #1 seq=1 [a:UNKNOWN,b:UNKNOWN,c:UNKNOWN]");
    }
  }

  @Test
  void aLiveStreamCatchesUpAtItsFirstRecord() {
    Instant start = Instant.parse("2026-03-01T12:00:00Z");
    long produced = start.plusSeconds(6).toEpochMilli();
    CatchUp c = new CatchUp(start, -1, Driven.TICK);
    assertThat(c.caughtUp(start.plusSeconds(5), -1)).isFalse();
    assertThat(c.caughtUp(start.plusSeconds(6).plus(CatchUp.LAG), produced)).isTrue();
    CatchUp late = new CatchUp(start, -1, Driven.TICK);
    assertThat(late.caughtUp(start.plusSeconds(7).plus(CatchUp.LAG), produced)).isFalse();
  }

  @Test
  void onceCaughtUpAlwaysCaughtUp() {
    Instant start = Instant.parse("2026-03-01T12:00:00Z");
    CatchUp c = new CatchUp(start, -1, Driven.TICK);
    assertThat(c.caughtUp(start.plusSeconds(5), start.toEpochMilli())).isTrue();
    // every agent dead afterwards: stream time stays, ticks still judge
    assertThat(c.caughtUp(start.plus(Duration.ofHours(1)), start.toEpochMilli())).isTrue();
  }

  @Test
  void aStreamTimeThatAdvancesButLagsIsWaitedForAtMostTheBound() {
    Instant start = Instant.parse("2026-03-01T12:00:00Z");
    CatchUp c = new CatchUp(start, -1, Driven.TICK);
    Instant now = start;
    // an agent whose clock is an hour behind: stream time advances every tick, never near now
    while (now.isBefore(start.plus(CatchUp.MAX_WAIT))) {
      assertThat(c.caughtUp(now, now.minus(Duration.ofHours(1)).toEpochMilli())).as("at %s", now)
          .isFalse();
      now = now.plus(Driven.TICK);
    }
    assertThat(c.caughtUp(now, now.minus(Duration.ofHours(1)).toEpochMilli())).isTrue();
  }

  @Test
  void theGraceIsAMinuteOrTwoTicks() {
    assertThat(CatchUp.grace(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(60));
    assertThat(CatchUp.grace(Duration.ofSeconds(45))).isEqualTo(Duration.ofSeconds(90));
    assertThat(CatchUp.bound(Duration.ofSeconds(5))).isEqualTo(Duration.ofMinutes(10));
    assertThat(CatchUp.bound(Duration.ofMinutes(6))).isEqualTo(Duration.ofMinutes(12));
  }

  /** The script's results from {@code from} to {@code to} (minutes), live: each at its time. */
  private static void script(Driven d, String from, String to) {
    for (Instant m = Driven.at(from); !m.isAfter(Driven.at(to)); m = m.plusSeconds(60)) {
      for (int l = 0; l < 3; l++) {
        Instant t = m.plusSeconds(10L * l);
        int loc = l;
        d.result(location(l), t, b -> outcome(b, t, loc));
      }
    }
  }

  /** The same results, produced at their time (+1 s) but read all at once now. */
  private static void backlog(Driven d, String from, String to) {
    for (Instant m = Driven.at(from); !m.isAfter(Driven.at(to)); m = m.plusSeconds(60)) {
      for (int l = 0; l < 3; l++) {
        Instant t = m.plusSeconds(10L * l);
        CheckResult r = outcome(d.result(location(l), t), t, l).build();
        d.pipe(r, t.plusSeconds(1));
      }
    }
  }

  private static String location(int l) {
    return String.valueOf((char) ('a' + l));
  }

  private static CheckResult.Builder outcome(CheckResult.Builder b, Instant t, int location) {
    boolean outage = location < 2 && !t.isBefore(Driven.at("12:10"))
        && t.isBefore(Driven.at("12:15"));
    return outage ? b.down(Reason.HTTP_STATUS).statusCode(503) : b.up(200);
  }
}
