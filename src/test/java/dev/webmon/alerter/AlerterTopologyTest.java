package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topology end to end in a real Streams runtime (TopologyTestDriver): scripted inputs at
 * exact times, the exact incident events out, in the style of Alertmanager's acceptance tests.
 * Ticks run every 5 s on the hand-moved clock (…:05, …:10, …), so a tick's transition lands on
 * the first multiple of 5 s after the instant it became due.
 */
class AlerterTopologyTest {
  private final Driven d = new Driven();

  @AfterEach
  void close() {
    d.close();
  }

  @Test
  void twoFailuresOpenTwoPassesResolve() {
    d.target()
        .pass("a", "12:00").fail("a", "12:01").fail("a", "12:02")
        .pass("a", "12:03").pass("a", "12:04");
    assertThat(d.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:04 RESOLVED down #1 seq=2 []");
    assertThat(d.keys()).containsOnly(Driven.TARGET);
    IncidentEvent opened = d.events().get(0);
    assertThat(opened.targetName()).isEqualTo("The shop");
    assertThat(opened.policy()).isEqualTo("default");
    assertThat(opened.quorum()).isEqualTo(1);
    assertThat(opened.reporting()).isEqualTo(1);
    assertThat(opened.openedAt()).isEqualTo(Driven.at("12:02"));
    assertThat(opened.causeResultId()).isEqualTo(new UUID(0, 3));
    assertThat(opened.locations().get(0).sinceResultId()).contains(new UUID(0, 2));
    assertThat(d.events().get(1).openedAt()).isEqualTo(Driven.at("12:02"));
  }

  @Test
  void failuresInWindowFromThePolicyDefault() {
    d.target()
        .policy(Driven.policy("default", 2, List.of(),
            Driven.fields(f -> f.failuresInWindow(3, Duration.ofMinutes(10)))))
        .fail("a", "12:00").pass("a", "12:01").pass("a", "12:02").pass("a", "12:03")
        .pass("a", "12:04").fail("a", "12:05").pass("a", "12:06").pass("a", "12:07")
        .pass("a", "12:08").pass("a", "12:09")
        .fail("a", "12:10").pass("a", "12:11").pass("a", "12:12");
    assertThat(d.log()).containsExactly(
        "12:10 OPENED down #1 seq=1 [a:DOWN]",
        "12:12 RESOLVED down #1 seq=2 []");
  }

  @Test
  void quorumTwoOfThree() {
    d.target()
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").pass("b", "12:01:10").pass("c", "12:01:20")
        .fail("a", "12:02").pass("b", "12:02:10").pass("c", "12:02:20") // a DOWN: 1 of 3
        .fail("a", "12:03").fail("b", "12:03:10").pass("c", "12:03:20")
        .fail("a", "12:04").fail("b", "12:04:10").pass("c", "12:04:20") // b DOWN: 2 of 3
        .pass("a", "12:05").pass("b", "12:05:10").pass("c", "12:05:20")
        .pass("a", "12:06").pass("b", "12:06:10").pass("c", "12:06:20");
    assertThat(d.log()).containsExactly(
        "12:04:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
        "12:06 RESOLVED down #1 seq=2 []"); // a UP again: 1 of 3 down is below k = 2
  }

  @Test
  void everyLocationSilentIsNoDataUntilOneReportsAgain() {
    d.target().pass("a", "12:00").pass("a", "12:01").pass("a", "12:02")
        .until("12:06").pass("a", "12:06");
    assertThat(d.log()).containsExactly(
        // 12:02 + 3 × 1 min + 10 s = 12:05:10; the first tick after it
        "12:05:15 OPENED no-data #1 seq=1 [a:UNKNOWN]",
        "12:06 RESOLVED no-data #1 seq=2 []");
  }

  /**
   * The open question of the previous session, decided: with 3 locations, 2 DOWN and the third
   * going silent, k is recounted over the 2 still reporting, a majority of 2 is 2, so the target
   * stays DOWN; the silent location is named in an UPDATED, nothing resolves.
   */
  @Test
  void twoDownAndTheThirdSilentStaysDown() {
    d.target()
        .pass("a", "12:00").pass("b", "12:00:10").pass("c", "12:00:20")
        .fail("a", "12:01").fail("b", "12:01:10").pass("c", "12:01:20")
        .fail("a", "12:02").fail("b", "12:02:10").pass("c", "12:02:20"); // c's last result
    for (int m = 3; m <= 10; m++) {
      d.fail("a", String.format(Locale.ROOT, "12:%02d", m))
          .fail("b", String.format(Locale.ROOT, "12:%02d:10", m));
    }
    d.until("12:11");
    assertThat(d.log()).containsExactly(
        "12:02:10 OPENED down #1 seq=1 [a:DOWN,b:DOWN]",
        "12:05:35 UPDATED down #1 seq=2 [a:DOWN,b:DOWN,c:UNKNOWN]"); // 12:02:20 + 3 min 10 s
    IncidentEvent updated = d.events().get(1);
    assertThat(updated.quorum()).isEqualTo(2);
    assertThat(updated.reporting()).isEqualTo(2);
  }

  @Test
  void flappingIsOneIncidentUntilStable() {
    d.target(Driven.spec().alertOverrides(
            Driven.fields(f -> f.failureThreshold(1).recoveryThreshold(1)
                .flapping(2, Duration.ofMinutes(10)))).build())
        .fail("a", "12:00").pass("a", "12:01") // changes 1, 2
        .fail("a", "12:02") // change 3 > 2 in 10 min: flapping
        .pass("a", "12:03").fail("a", "12:04").pass("a", "12:05"); // stable UP from 12:05
    for (int m = 6; m <= 16; m++) {
      d.pass("a", String.format(Locale.ROOT, "12:%02d", m));
    }
    assertThat(d.log()).containsExactly(
        "12:00 OPENED down #1 seq=1 [a:DOWN]",
        "12:01 RESOLVED down #1 seq=2 []",
        "12:02 OPENED flapping #2 seq=1 [a:DOWN]",
        "12:15 RESOLVED flapping #2 seq=2 []"); // 10 min after the last change, at a tick
  }

  @Test
  void certificateWarningOpensAndANewerCertificateResolvesIt() {
    Instant soon = Driven.at("12:00").plus(Duration.ofDays(10));
    d.target()
        .cert("a", "12:01", soon) // within 14 days: opens
        .cert("b", "12:01:30", soon) // the same certificate: nothing
        .cert("a", "12:02", Driven.at("12:00").plus(Duration.ofDays(90))) // renewed: resolves
        .cert("b", "12:03", soon); // an older certificate than one seen: never reopens
    assertThat(d.log()).containsExactly(
        "12:01 OPENED certificate #1 seq=1 []",
        "12:02 RESOLVED certificate #1 seq=2 []");
    assertThat(d.events().get(0).certificateExpiresAt()).contains(soon);
    assertThat(d.events().get(0).severity()).isEqualTo(IncidentSeverity.CERTIFICATE);
  }

  @Test
  void certificateOutsideTheWarningDaysOpensNothingUnlessThePolicySaysSo() {
    Instant in20days = Driven.at("12:00").plus(Duration.ofDays(20));
    d.target().cert("a", "12:00", in20days);
    assertThat(d.log()).isEmpty();
    d.target(Driven.spec().version(2)
            .alertOverrides(Driven.fields(f -> f.tlsExpiryWarningDays(30))).build())
        .cert("a", "12:01", in20days);
    assertThat(d.log()).containsExactly("12:01 OPENED certificate #1 seq=1 []");
  }

  @Test
  void certificateLaneIsIndependentOfAvailability() {
    Instant soon = Driven.at("12:00").plus(Duration.ofDays(3));
    d.target()
        .cert("a", "12:00", soon).fail("a", "12:01").fail("a", "12:02")
        .pass("a", "12:03").pass("a", "12:04");
    assertThat(d.log()).containsExactly(
        "12:00 OPENED certificate #1 seq=1 []",
        "12:02 OPENED down #2 seq=1 [a:DOWN]",
        "12:04 RESOLVED down #2 seq=2 []");
  }

  @Test
  void ackEmitsAcknowledgedOnceAndTheIncidentStillChangesUntilResolved() {
    d.target(Driven.spec().alertOverrides(Driven.fields(f -> f.quorum(1))).build())
        .pass("b", "12:00:30")
        .fail("a", "12:01").fail("a", "12:02")
        .ack(1, "alice", "12:02:30")
        .ack(1, "bob", "12:02:40") // already acknowledged: ignored
        .fail("b", "12:03").fail("b", "12:04")
        .pass("a", "12:05").pass("a", "12:06").pass("b", "12:06:10").pass("b", "12:07");
    assertThat(d.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:02:30 ACKNOWLEDGED down #1 seq=2 [a:DOWN]",
        "12:04 UPDATED down #1 seq=3 [a:DOWN,b:DOWN]",
        "12:06 UPDATED down #1 seq=4 [b:DOWN]",
        "12:07 RESOLVED down #1 seq=5 []");
    List<IncidentEvent> e = d.events();
    assertThat(e.get(0).acknowledgement()).isEmpty();
    for (IncidentEvent later : e.subList(1, e.size())) {
      assertThat(later.acknowledgement()).hasValueSatisfying(a -> {
        assertThat(a.by()).isEqualTo("alice");
        assertThat(a.note()).contains("on it");
        assertThat(a.at()).isEqualTo(Driven.at("12:02:30"));
      });
    }
    assertThat(d.skipped(Skips.Reason.ACK_IGNORED)).isEqualTo(1);
  }

  @Test
  void ackOfAResolvedIncidentIsIgnored() {
    d.target().fail("a", "12:01").fail("a", "12:02").pass("a", "12:03").pass("a", "12:04")
        .ack(1, "alice", "12:05");
    assertThat(d.log()).containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]",
        "12:04 RESOLVED down #1 seq=2 []");
    assertThat(d.skipped(Skips.Reason.ACK_IGNORED)).isEqualTo(1);
  }

  @Test
  void lateAndDuplicateResultsChangeNothing() {
    d.target().pass("a", "12:00");
    var failed = d.result("a", Driven.at("12:02")).down(dev.webmon.event.Reason.TIMEOUT).build();
    d.until("12:02").pipe(failed)
        .fail("a", "12:01") // late: would have been the second failure in a row
        .pipe(failed); // duplicate
    assertThat(d.log()).isEmpty();
    d.fail("a", "12:03");
    assertThat(d.log()).containsExactly("12:03 OPENED down #1 seq=1 [a:DOWN]");
  }

  @Test
  void policyByName() {
    d.policy(Driven.policy("strict", 1, List.of(), Driven.fields(f -> f.failureThreshold(1))))
        .target(Driven.spec().alertPolicy("strict").build())
        .fail("a", "12:01");
    assertThat(d.log()).containsExactly("12:01 OPENED down #1 seq=1 [a:DOWN]");
    assertThat(d.events().get(0).policy()).isEqualTo("strict");
  }

  @Test
  void policyByTagTheFirstByName() {
    d.policy(Driven.policy("b-lax", 1, List.of("cdn"), Driven.fields(f -> f.failureThreshold(5))))
        .policy(Driven.policy("a-edge", 1, List.of("cdn", "eu"),
            Driven.fields(f -> f.failureThreshold(3))))
        .policy(Driven.policy("other", 1, List.of("db"), Driven.fields(f -> f.failureThreshold(1))))
        .target(Driven.spec().tag("cdn").build())
        .fail("a", "12:01").fail("a", "12:02").fail("a", "12:03");
    assertThat(d.log()).containsExactly("12:03 OPENED down #1 seq=1 [a:DOWN]");
    assertThat(d.events().get(0).policy()).isEqualTo("a-edge");
  }

  @Test
  void aNamedPolicyThatDoesNotExistFallsBackToTagsThenDefault() {
    d.policy(Driven.policy("edge", 1, List.of("cdn"), Driven.fields(f -> f.failureThreshold(1))))
        .target(Driven.spec().alertPolicy("gone").tag("cdn").build())
        .fail("a", "12:01");
    assertThat(d.events()).extracting(IncidentEvent::policy).containsExactly("edge");
  }

  @Test
  void targetOverridesWinOverItsPolicy() {
    d.policy(Driven.policy("strict", 1, List.of(), Driven.fields(f -> f.failureThreshold(1))))
        .target(Driven.spec().alertPolicy("strict")
            .alertOverrides(Driven.fields(f -> f.failureThreshold(3))).build())
        .fail("a", "12:01").fail("a", "12:02").fail("a", "12:03");
    assertThat(d.log()).containsExactly("12:03 OPENED down #1 seq=1 [a:DOWN]");
  }

  @Test
  void anInvalidMergeFallsBackToTheDefaultPolicy() {
    // The policy's window without its failuresInWindow (the override turned that off): invalid.
    d.policy(Driven.policy("windowed", 1, List.of(),
            Driven.fields(f -> f.failuresInWindow(3, Duration.ofMinutes(10)).failureThreshold(5))))
        .target(Driven.spec().alertPolicy("windowed")
            .alertOverrides(Driven.fields(f -> f.failuresInWindow(0, Duration.ofMinutes(10))))
            .build())
        .fail("a", "12:01").fail("a", "12:02");
    assertThat(d.log()).containsExactly("12:02 OPENED down #1 seq=1 [a:DOWN]");
    assertThat(d.events().get(0).policy()).isEqualTo("default");
  }

  @Test
  void aPolicyChangeTakesEffectAtTheNextTick() {
    d.target().fail("a", "12:01");
    d.policy(Driven.policy("default", 2, List.of(), Driven.fields(f -> f.failureThreshold(3))))
        .until("12:01:30")
        .fail("a", "12:02"); // two in a row: no longer enough
    assertThat(d.log()).isEmpty();
    d.fail("a", "12:03");
    assertThat(d.log()).containsExactly("12:03 OPENED down #1 seq=1 [a:DOWN]");
  }

  @Test
  void deletingATargetResolvesItsOpenIncidentsAndForgetsIt() {
    d.target().cert("a", "12:00", Driven.at("12:00").plus(Duration.ofDays(1)))
        .fail("a", "12:01").fail("a", "12:02")
        .deleteTarget("12:03")
        .fail("a", "12:04").fail("a", "12:05"); // an agent not yet told: ignored
    assertThat(d.log()).containsExactly(
        "12:00 OPENED certificate #1 seq=1 []",
        "12:02 OPENED down #2 seq=1 [a:DOWN]",
        "12:03 RESOLVED down #2 seq=2 []",
        "12:03 RESOLVED certificate #1 seq=2 []");
    assertThat(d.state()).isEmpty();
    assertThat(d.skipped(Skips.Reason.UNKNOWN_TARGET)).isEqualTo(2);
  }

  @Test
  void malformedRecordsAreCountedAndSkipped() {
    byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
    d.target()
        .raw(Driven.TOPICS.results(), Driven.TARGET, junk)
        .raw(Driven.TOPICS.targets(), Driven.TARGET, junk)
        .raw(Driven.TOPICS.incidentCommands(), Driven.TARGET, junk)
        .raw(Driven.TOPICS.alertPolicies(), "default", junk)
        .raw(Driven.TOPICS.results(), null, junk)
        .fail("a", "12:01");
    var other = d.result("a", Driven.at("12:01:30")).down(dev.webmon.event.Reason.TIMEOUT).build();
    d.raw(Driven.TOPICS.results(), "other", new dev.webmon.event.EventCodec().encode(other))
        .fail("a", "12:02");
    assertThat(d.skipped(Skips.Reason.MALFORMED)).isEqualTo(5);
    assertThat(d.skipped(Skips.Reason.WRONG_KEY)).isEqualTo(1);
    assertThat(d.log()).as("the wrong-keyed failure did not count").containsExactly(
        "12:02 OPENED down #1 seq=1 [a:DOWN]");
  }

  @Test
  void resultsOfATargetWithoutSpecAreIgnored() {
    d.fail("a", "12:01").fail("a", "12:02");
    assertThat(d.log()).isEmpty();
    assertThat(d.skipped(Skips.Reason.UNKNOWN_TARGET)).isEqualTo(2);
  }

  @Test
  void anOlderSpecVersionIsIgnored() {
    d.target(Driven.spec().version(2).alertOverrides(Driven.fields(f -> f.failureThreshold(1)))
            .build())
        .target(Driven.spec().version(1).build())
        .fail("a", "12:01");
    assertThat(d.log()).containsExactly("12:01 OPENED down #1 seq=1 [a:DOWN]");
    assertThat(d.skipped(Skips.Reason.STALE)).isEqualTo(1);
  }

  @Test
  void anAckOfACertificateIncident() {
    d.target().cert("a", "12:00", Driven.at("12:00").plus(Duration.ofDays(2)))
        .ack(1, "alice", "12:01");
    assertThat(d.log()).containsExactly(
        "12:00 OPENED certificate #1 seq=1 []",
        "12:01 ACKNOWLEDGED certificate #1 seq=2 []");
    assertThat(d.events().get(1).certificateExpiresAt()).isPresent();
  }

  @Test
  void aLongerIntervalInANewSpecVersionDelaysSilence() {
    d.target().pass("a", "12:00")
        .target(Driven.spec().version(2).interval(Duration.ofMinutes(5)).build())
        .until("12:20");
    assertThat(d.log()).containsExactly(
        "12:15:15 OPENED no-data #1 seq=1 [a:UNKNOWN]"); // 12:00 + 3 × 5 min + 10 s, next tick
  }

  @Test
  void replayingTheSameInputsGivesTheSameEvents() {
    java.util.function.Consumer<Driven> script = x -> x.target()
        .pass("a", "12:00").pass("b", "12:00:10").fail("a", "12:01").fail("b", "12:01:10")
        .fail("a", "12:02").fail("b", "12:02:10").ack(1, "alice", "12:03")
        .until("12:08").pass("a", "12:09").pass("a", "12:10");
    script.accept(d);
    try (Driven again = new Driven()) {
      script.accept(again);
      assertThat(again.events()).isEqualTo(d.events()).hasSizeGreaterThan(3);
    }
  }

  @Test
  void alerterStateIsWrittenInTheCommit() {
    // AlertStates writes behind in CachedStateStore.flushCache, which Streams calls before the
    // commit's transaction; if an upgrade stopped calling it, nothing would reach the changelog.
    d.target().pass("a", "12:00").fail("a", "12:01");
    List<TargetAlerts> logged = d.changelog();
    assertThat(logged).hasSize(2);
    assertThat(logged.get(1)).isEqualTo(d.state().orElseThrow());
    assertThat(logged.get(1).locations().locations().get("a").failures()).isEqualTo(1);
    d.deleteTarget("12:02");
    assertThat(d.changelog()).containsExactly((TargetAlerts) null);
    assertThat(d.state()).isEmpty();
  }

  @Test
  void oneSubTopologyReadsAllThreeInputsWithBothStores() {
    var description = AlerterTopology.build(Driven.TOPICS, java.time.Clock.systemUTC(), Driven.TICK)
        .describe();
    assertThat(description.subtopologies()).hasSize(1);
    assertThat(description.globalStores()).hasSize(2); // policies, maintenance windows
    String text = description.toString();
    assertThat(text).contains("webmon.results", "webmon.targets", "webmon.incident-commands",
        "webmon.incidents", "webmon.alert-policies", AlerterTopology.WATCHES,
        AlerterTopology.ALERTS, AlerterTopology.POLICIES);
  }

  @Test
  void aTickMustBePositive() {
    assertThatThrownBy(() -> AlerterTopology.build(Driven.TOPICS, java.time.Clock.systemUTC(),
        Duration.ZERO)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tick");
  }

  @Test
  void rocksDbIsNotOnTheClassPath() {
    assertThatThrownBy(() -> Class.forName("org.rocksdb.RocksDB"))
        .isInstanceOf(ClassNotFoundException.class);
  }
}
