package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scripted results at exact instants → the exact transitions, in the style of Alertmanager's acceptance tests. */
class IncidentScriptTest {

  @Test
  void twoConsecutiveFailuresOpenAndTwoPassesResolve() {
    Script s = new Script(Policy.DEFAULT)
        .pass("a", "12:00").fail("a", "12:01").pass("a", "12:02") // one failure: nothing
        .fail("a", "12:03").fail("a", "12:04")
        .pass("a", "12:05").pass("a", "12:06");
    assertThat(s.log()).containsExactly(
        "12:04 OPENED down #1 seq=1 [a:DOWN]",
        "12:06 RESOLVED down #1 seq=2 []");
    assertThat(s.transitions().get(0).locations().get(0).since())
        .as("cause: the first failing result of the streak (id 4)")
        .contains(new java.util.UUID(0, 4));
  }

  @Test
  void failuresInWindowOpenWithoutConsecutiveFailures() {
    Policy p = Policy.DEFAULT.withFailuresInWindow(3, Duration.ofMinutes(10));
    Script spread = new Script(p)
        .fail("a", "12:00").pass("a", "12:01")
        .fail("a", "12:06").pass("a", "12:07")
        .fail("a", "12:12").pass("a", "12:13"); // 12:00 fell out of the window
    assertThat(spread.log()).isEmpty();

    Script close = new Script(p)
        .fail("a", "12:00").pass("a", "12:01")
        .fail("a", "12:05").pass("a", "12:06")
        .fail("a", "12:10").pass("a", "12:11").pass("a", "12:12");
    assertThat(close.log()).containsExactly(
        "12:10 OPENED down #1 seq=1 [a:DOWN]", // 3 failures in 10 min, inclusive
        "12:12 RESOLVED down #1 seq=2 []");
  }

  @Test
  void recoveryThresholdCountsConsecutivePasses() {
    Script s = new Script(Policy.DEFAULT.withRecoveryThreshold(3))
        .fail("a", "12:00").fail("a", "12:01")
        .pass("a", "12:02").pass("a", "12:03").fail("a", "12:04") // streak broken
        .pass("a", "12:05").pass("a", "12:06").pass("a", "12:07");
    assertThat(s.log()).containsExactly(
        "12:01 OPENED down #1 seq=1 [a:DOWN]",
        "12:07 RESOLVED down #1 seq=2 []");
  }

  @Test
  void slowResponsesDegradeThenFailuresEscalate() {
    Script s = new Script(Policy.DEFAULT.withDegradedAboveMs(500))
        .slow("a", "12:00", 900).slow("a", "12:01", 400) // broken streak
        .slow("a", "12:02", 501).slow("a", "12:03", 700)
        .fail("a", "12:04").fail("a", "12:05")
        .pass("a", "12:06").pass("a", "12:07");
    assertThat(s.log()).containsExactly(
        "12:03 OPENED degraded #1 seq=1 [a:DEGRADED]",
        "12:05 UPDATED down #1 seq=2 [a:DOWN]",
        "12:07 RESOLVED down #1 seq=3 []");
  }

  @Test
  void degradedLocationRecoversAfterFastPasses() {
    Script s = new Script(Policy.DEFAULT.withDegradedAboveMs(500))
        .slow("a", "12:00", 900).slow("a", "12:01", 900)
        .pass("a", "12:02").slow("a", "12:03", 900).pass("a", "12:04").pass("a", "12:05");
    assertThat(s.log()).containsExactly(
        "12:01 OPENED degraded #1 seq=1 [a:DEGRADED]",
        "12:05 RESOLVED degraded #1 seq=2 []");
  }

  @Test
  void silenceIsNoDataAndNeverCountedUpOrDown() {
    Script s = new Script(Policy.DEFAULT)
        .pass("a", "12:00").pass("b", "12:00")
        .pass("b", "12:01").pass("b", "12:02").pass("b", "12:03")
        .tick("12:03:30") // a silent, b reporting and up: k = 1 of 1 reporting, UP
        .fail("b", "12:04").tick("12:04:30")
        .tick("12:07:10") // b's last result 12:04 + 3 min 10 s: not yet silent
        .tick("12:07:11") // every location silent
        .fail("a", "12:08") // a back: one failure is not DOWN, so UP again
        .fail("a", "12:09");
    assertThat(s.log()).containsExactly(
        "12:07:11 OPENED no-data #1 seq=1 [a:UNKNOWN,b:UNKNOWN]",
        "12:08 RESOLVED no-data #1 seq=2 []",
        "12:09 OPENED down #2 seq=1 [a:DOWN,b:UNKNOWN]");
  }

  @Test
  void quorumTwoOfThreeByDefault() {
    Script s = new Script(Policy.DEFAULT)
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").pass("b", "12:01:10").pass("c", "12:01:20")
        .fail("a", "12:02").fail("b", "12:02:10").pass("c", "12:02:20") // a DOWN: 1 of 3
        .fail("a", "12:03").fail("b", "12:03:10").pass("c", "12:03:20") // b DOWN: 2 of 3
        .fail("a", "12:04").fail("b", "12:04:10").fail("c", "12:04:20")
        .fail("a", "12:05").fail("b", "12:05:10").fail("c", "12:05:20") // c DOWN too
        .pass("a", "12:06").pass("b", "12:06:10").fail("c", "12:06:20")
        .pass("a", "12:07").pass("b", "12:07:10").fail("c", "12:07:20");
    assertThat(s.log()).containsExactly(
        "12:03:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
        "12:05:20 UPDATED down #1 seq=2 [a:DOWN,b:DOWN,c:DOWN]",
        "12:07 UPDATED down #1 seq=3 [b:DOWN,c:DOWN]",
        "12:07:10 RESOLVED down #1 seq=4 []");
  }

  @Test
  void aSilentLocationLeavesTheQuorumInsteadOfCountingAsDown() {
    Script s = new Script(Policy.DEFAULT)
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").fail("b", "12:01:10").pass("c", "12:01:20")
        .fail("a", "12:02").fail("b", "12:02:10").pass("c", "12:02:20") // b's last result
        .fail("a", "12:03").pass("c", "12:03:20")
        .fail("a", "12:04").pass("c", "12:04:20")
        .tick("12:05:20").tick("12:05:21"); // b silent: 1 of 2 reporting DOWN, k = 2
    assertThat(s.log()).containsExactly(
        "12:02:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
        "12:05:21 RESOLVED down #1 seq=2 []");
  }

  @Test
  void degradedByQuorumWhenDownAndDegradedTogetherReachK() {
    Script s = new Script(Policy.DEFAULT.withDegradedAboveMs(500))
        .fail("a", "12:00").slow("b", "12:00:10", 900).pass("c", "12:00:20")
        .fail("a", "12:01").slow("b", "12:01:10", 900).pass("c", "12:01:20");
    assertThat(s.log()).containsExactly(
        "12:01:10 OPENED degraded #1 seq=1 [a:DOWN,b:DEGRADED]");
  }

  @Test
  void explicitQuorum() {
    Script one = new Script(Policy.DEFAULT.withQuorum(1))
        .pass("a", "12:00").pass("b", "12:00").pass("c", "12:00")
        .fail("a", "12:01").fail("a", "12:02");
    assertThat(one.log()).containsExactly("12:02 OPENED down #1 seq=1 [a:DOWN]");

    Script three = new Script(Policy.DEFAULT.withQuorum(3))
        .pass("a", "12:00").pass("b", "12:00").pass("c", "12:00")
        .fail("a", "12:01").fail("b", "12:01:10")
        .fail("a", "12:02").fail("b", "12:02:10") // 2 of 3 DOWN: not enough for k = 3
        .fail("c", "12:02:20").fail("c", "12:02:50");
    assertThat(three.log()).containsExactly("12:02:50 OPENED down #1 seq=1 [a:DOWN,b:DOWN,c:DOWN]");
  }

  @Test
  void flappingOpensOneIncidentAndResolvesOnceStableForTheWindow() {
    Script s = new Script(Policy.DEFAULT);
    // F F P P every minute from 12:00: the status changes every 2 minutes (12:01, 12:03, …).
    for (int m = 0; m < 24; m++) {
      String time = String.format(java.util.Locale.ROOT, "12:%02d", m);
      if (m % 4 < 2) {
        s.fail("a", time);
      } else {
        s.pass("a", time);
      }
    }
    for (int m = 24; m < 60; m++) { // stable UP since 12:23
      s.pass("a", String.format(java.util.Locale.ROOT, "12:%02d", m));
    }
    assertThat(s.log()).containsExactly(
        "12:01 OPENED down #1 seq=1 [a:DOWN]",
        "12:03 RESOLVED down #1 seq=2 []",
        "12:05 OPENED down #2 seq=1 [a:DOWN]",
        "12:07 RESOLVED down #2 seq=2 []",
        "12:09 OPENED down #3 seq=1 [a:DOWN]",
        "12:11 RESOLVED down #3 seq=2 []",
        "12:13 OPENED flapping #4 seq=1 [a:DOWN]", // the 7th change in 30 min
        "12:53 RESOLVED flapping #4 seq=2 []"); // 30 min after the last change (12:23)
  }

  @Test
  void flappingThatSettlesDownBecomesAnOrdinaryIncident() {
    Script s = new Script(Policy.DEFAULT.withFlapping(2, Duration.ofMinutes(10)))
        .fail("a", "12:00").fail("a", "12:01") // change 1: DOWN
        .pass("a", "12:02").pass("a", "12:03") // change 2: UP
        .fail("a", "12:04").fail("a", "12:05") // change 3: flapping
        .fail("a", "12:08").fail("a", "12:11").fail("a", "12:14").tick("12:14:59")
        .fail("a", "12:15"); // stable DOWN for 10 min
    assertThat(s.log()).containsExactly(
        "12:01 OPENED down #1 seq=1 [a:DOWN]",
        "12:03 RESOLVED down #1 seq=2 []",
        "12:05 OPENED flapping #2 seq=1 [a:DOWN]",
        "12:15 UPDATED down #2 seq=2 [a:DOWN]");
  }

  @Test
  void lateAndDuplicateResultsAreIgnored() {
    Script s = new Script(Policy.DEFAULT);
    s.pass("a", "12:00");
    var fail = s.result("a", Script.at("12:02"), false, 100);
    s.feed(fail);
    s.fail("a", "12:01"); // late: older than 12:02, would have made two in a row
    s.feed(fail); // duplicate
    assertThat(s.log()).isEmpty();
    s.fail("a", "12:03");
    assertThat(s.log()).containsExactly("12:03 OPENED down #1 seq=1 [a:DOWN]");
  }

  @Test
  void replayingTheSameScriptYieldsTheSameIncidentIds() {
    java.util.function.Supplier<Script> run = () -> new Script(Policy.DEFAULT)
        .fail("a", "12:00").fail("a", "12:01").pass("a", "12:02").pass("a", "12:03")
        .fail("a", "12:04").fail("a", "12:05");
    Script first = run.get();
    Script again = run.get();
    assertThat(again.transitions()).isEqualTo(first.transitions()).hasSize(3);
    assertThat(first.transitions().get(0).incidentId())
        .isNotEqualTo(first.transitions().get(2).incidentId());
  }

  @Test
  void twoDownAndTheThirdSilentStaysDownWithKRecountedOverTheReporting() {
    Script s = new Script(Policy.DEFAULT)
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").fail("b", "12:01:10").pass("c", "12:01:20")
        .fail("a", "12:02").fail("b", "12:02:10").pass("c", "12:02:20") // c's last result
        .fail("a", "12:03").fail("b", "12:03:10")
        .fail("a", "12:04").fail("b", "12:04:10")
        .tick("12:05:30").tick("12:05:31") // c silent after 12:02:20 + 3 min 10 s
        .fail("a", "12:06").fail("b", "12:06:10").tick("12:07");
    assertThat(s.log()).containsExactly(
        "12:02:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
        "12:05:31 UPDATED down #1 seq=2 [a:DOWN,b:DOWN,c:UNKNOWN]");
    Transition updated = s.transitions().get(1);
    assertThat(updated.quorum()).as("a majority of the 2 reporting").isEqualTo(2);
    assertThat(updated.reporting()).isEqualTo(2);
  }

  @Test
  void ackOnceThenUpdatesCarryItUntilResolved() {
    Script s = new Script(Policy.DEFAULT.withQuorum(1))
        .pass("b", "12:00")
        .fail("a", "12:01").fail("a", "12:02")
        .ack(1, "alice", "12:02:30")
        .ack(1, "bob", "12:02:40") // already acknowledged
        .fail("b", "12:03").fail("b", "12:04")
        .pass("a", "12:05").pass("a", "12:06").pass("b", "12:07").pass("b", "12:08")
        .ack(1, "carol", "12:09"); // resolved
    assertThat(s.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:02:30 ACKNOWLEDGED down #1 seq=2 [a:DOWN]",
        "12:04 UPDATED down #1 seq=3 [a:DOWN,b:DOWN]",
        "12:06 UPDATED down #1 seq=4 [b:DOWN]",
        "12:08 RESOLVED down #1 seq=5 []");
    assertThat(s.transitions().subList(1, 5))
        .allSatisfy(t -> assertThat(t.ack()).hasValueSatisfying(a -> assertThat(a.by()).isEqualTo("alice")));
  }

  @Test
  void anAckNeverMovesTimeBackwards() {
    Script s = new Script(Policy.DEFAULT).fail("a", "12:01").fail("a", "12:02").ack(1, "alice", "12:01:30");
    assertThat(s.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:02 ACKNOWLEDGED down #1 seq=2 [a:DOWN]");
    assertThat(s.transitions().get(1).ack().orElseThrow().at()).isEqualTo(Script.at("12:01:30"));
  }

  @Test
  void certificateRenewedStillInsideTheWindowIsAnUpdate() {
    java.time.Instant day = Script.T0;
    Script s = new Script(Policy.DEFAULT)
        .cert("a", "12:00", day.plus(Duration.ofDays(3)))
        .cert("a", "12:01", day.plus(Duration.ofDays(10))) // later, still within 14 days
        .cert("a", "12:02", day.plus(Duration.ofDays(3))) // the old one again: nothing
        .cert("a", "12:03", day.plus(Duration.ofDays(60)));
    assertThat(s.log()).containsExactly(
        "12:00 OPENED certificate #1 seq=1 []",
        "12:01 UPDATED certificate #1 seq=2 []",
        "12:03 RESOLVED certificate #1 seq=3 []");
    assertThat(s.transitions()).extracting(t -> t.certificateExpiresAt().orElseThrow())
        .containsExactly(day.plus(Duration.ofDays(3)), day.plus(Duration.ofDays(10)),
            day.plus(Duration.ofDays(10)));
  }

  @Test
  void certificateWarningDaysZeroTurnsTheLaneOff() {
    java.time.Instant soon = Script.T0.plus(Duration.ofDays(3));
    Script on = new Script(Policy.DEFAULT).cert("a", "12:00", soon);
    assertThat(on.log()).containsExactly("12:00 OPENED certificate #1 seq=1 []");
    Script off = new Script(new Policy(2, 0, Duration.ZERO, 2, 0, 0, 0, 6, Duration.ofMinutes(30)))
        .cert("a", "12:00", soon);
    assertThat(off.log()).isEmpty();
  }

  @Test
  void deletionResolvesBothLanes() {
    Script s = new Script(Policy.DEFAULT)
        .cert("a", "12:00", Script.T0.plus(Duration.ofDays(1)))
        .fail("a", "12:01").fail("a", "12:02")
        .delete("12:03");
    assertThat(s.log()).containsExactly(
        "12:00 OPENED certificate #1 seq=1 []",
        "12:02 OPENED down #2 seq=1 [a:DOWN]",
        "12:03 RESOLVED down #2 seq=2 []",
        "12:03 RESOLVED certificate #1 seq=2 []");
  }
}
