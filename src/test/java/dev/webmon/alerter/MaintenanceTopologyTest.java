package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.PolicyFields;
import dev.webmon.event.Reason;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Maintenance windows in the topology (TopologyTestDriver, the hand-moved clock of {@link
 * Driven}, ticks every 5 s): while a window covers the target nothing opens; what is open keeps
 * changing; at the end what is still failing opens at the first decision point at or after the
 * end (a result at its own time, or the tick at the end). Windows are published when the clock
 * starts (11:59) and take effect at the first tick.
 */
class MaintenanceTopologyTest {
  private static final EventCodec CODEC = new EventCodec();
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final MaintenanceScope SHOP =
      new MaintenanceScope(false, List.of(Driven.TARGET), List.of());

  private static long windows;

  static MaintenanceWindow window(MaintenanceScope scope, MaintenanceSchedule schedule) {
    return window(new UUID(7, ++windows), 1, scope, schedule);
  }

  static MaintenanceWindow window(UUID id, long version, MaintenanceScope scope,
      MaintenanceSchedule schedule) {
    return new MaintenanceWindow(id, version, "Upgrade", "", scope, schedule,
        Driven.T0.minusSeconds(3600));
  }

  static MaintenanceSchedule.Once once(String from, String to) {
    return new MaintenanceSchedule.Once(Driven.at(from), Driven.at(to));
  }

  static MaintenanceScope tags(String... tags) {
    return new MaintenanceScope(false, List.of(), List.of(tags));
  }

  static Driven publish(Driven d, MaintenanceWindow w) {
    return d.raw(Driven.TOPICS.maintenance(), w.id().toString(), CODEC.encode(w));
  }

  private static void fail(Driven d, Instant at) {
    d.result("a", at, b -> b.down(Reason.HTTP_STATUS).statusCode(503));
  }

  /** Failures of location a every minute from {@code from} to {@code to}, both included. */
  private static void failEveryMinute(Driven d, Instant from, Instant to) {
    for (Instant t = from; !t.isAfter(to); t = t.plus(Duration.ofMinutes(1))) {
      fail(d, t);
    }
  }

  private static String time(int hour, int minute, int second) {
    return String.format(Locale.ROOT, "%02d:%02d:%02d", hour, minute, second);
  }

  /** The events as {@code "2026-03-29T02:00:00Z OPENED down"}. */
  private static List<String> dated(Driven d) {
    return d.events().stream()
        .map(e -> e.at() + " " + e.kind() + " " + e.severity().wireName()).toList();
  }

  private static MaintenanceWindow sundayTwoAmBerlin() {
    return window(SHOP, new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.SUNDAY),
        LocalTime.of(2, 0), Duration.ofHours(2), BERLIN));
  }

  /**
   * 2026-03-29: 02:00 does not exist in Berlin, the occurrence is 03:00–04:00 CEST = 01:00Z–02:00Z.
   * The failure at 01:00Z (the second in a row) is muted; the one at 02:00Z opens, not 03:00Z.
   */
  @Test
  void weeklyWindowAcrossTheSpringDstChangeOpensAtItsEnd() {
    try (Driven d = Driven.startingAt(Instant.parse("2026-03-29T00:55:00Z"))) {
      d.target();
      publish(d, sundayTwoAmBerlin());
      d.result("a", Instant.parse("2026-03-29T00:58:00Z"), b -> b.up(200));
      failEveryMinute(d, Instant.parse("2026-03-29T00:59:00Z"),
          Instant.parse("2026-03-29T02:05:00Z"));
      assertThat(dated(d)).containsExactly("2026-03-29T02:00:00Z OPENED down");
      IncidentEvent opened = d.events().get(0);
      assertThat(opened.openedAt()).isEqualTo(Instant.parse("2026-03-29T02:00:00Z"));
      assertThat(opened.locations()).extracting(l -> l.state().name()).containsExactly("DOWN");
    }
  }

  /** 2026-10-25: 02:00 CEST – 04:00 CET, 3 h = 00:00Z–03:00Z; nothing opens at 02:00Z. */
  @Test
  void weeklyWindowAcrossTheAutumnDstChangeOpensAtItsEnd() {
    try (Driven d = Driven.startingAt(Instant.parse("2026-10-24T23:55:00Z"))) {
      d.target();
      publish(d, sundayTwoAmBerlin());
      d.result("a", Instant.parse("2026-10-24T23:58:00Z"), b -> b.up(200));
      failEveryMinute(d, Instant.parse("2026-10-24T23:59:00Z"),
          Instant.parse("2026-10-25T03:05:00Z"));
      assertThat(dated(d)).containsExactly("2026-10-25T03:00:00Z OPENED down");
    }
  }

  /** An incident open before the window changes, is acknowledged and resolves during it. */
  @Test
  void anIncidentOpenBeforeTheWindowChangesAndResolvesDuringIt() {
    try (Driven d = new Driven()) {
      d.target(Driven.spec().alertOverrides(Driven.fields(f -> f.quorum(1))).build());
      publish(d, window(SHOP, once("12:05", "12:30")));
      for (int m = 0; m <= 31; m++) {
        if (m >= 1) {
          boolean up = m == 8 || m == 9; // a: down from 12:02, up at 12:09, down again from 12:11
          d.result("a", time(12, m, 0), b -> up ? b.up(200) : b.down(Reason.TIMEOUT));
        }
        if (m == 7) {
          d.ack(1, "alice", "12:07:10");
        }
        boolean down = m == 5 || m == 6; // b: down at 12:06:30, up at 12:08:30
        d.result("b", time(12, m, 30), b -> down ? b.down(Reason.TIMEOUT) : b.up(200));
      }
      assertThat(d.log()).containsExactly(
          "12:02 OPENED down #1 seq=1 [a:DOWN]",
          "12:06:30 UPDATED down #1 seq=2 [a:DOWN,b:DOWN]",
          "12:07:10 ACKNOWLEDGED down #1 seq=3 [a:DOWN,b:DOWN]",
          "12:08:30 UPDATED down #1 seq=4 [a:DOWN]",
          "12:09 RESOLVED down #1 seq=5 []",
          "12:30 OPENED down #2 seq=1 [a:DOWN]"); // a down since 12:11, held until the end
    }
  }

  /** Silence during the window opens nothing; no-data opens at the tick at the end. */
  @Test
  void silenceDuringTheWindowOpensNoDataAtTheFirstTickAfterItsEnd() {
    try (Driven d = new Driven()) {
      d.target();
      publish(d, window(MaintenanceScope.ALL, once("12:03", "12:20:02")));
      d.pass("a", "12:00").pass("a", "12:01").pass("a", "12:02") // silent from 12:05:10
          .until("12:25").pass("a", "12:26");
      assertThat(d.log()).containsExactly(
          "12:20:05 OPENED no-data #1 seq=1 [a:UNKNOWN]", // the first tick at or after 12:20:02
          "12:26 RESOLVED no-data #1 seq=2 []");
    }
  }

  /**
   * Nothing per target says "held back": after a restart during the window (the global store
   * restored from the topic, here published again) the first full pass finds the target muted and
   * due at the end.
   */
  @Test
  void aRestartDuringTheWindowStillOpensAtItsEnd() {
    MaintenanceWindow w = window(MaintenanceScope.ALL, once("12:03", "12:20"));
    Driven d = new Driven();
    try {
      d.target();
      publish(d, w);
      d.pass("a", "12:00").pass("a", "12:01").pass("a", "12:02").until("12:10");
      assertThat(d.log()).isEmpty();
      d = d.restartAt(Driven.at("12:10"));
      publish(d, w).until("12:25");
      assertThat(d.log()).containsExactly("12:20 OPENED no-data #1 seq=1 [a:UNKNOWN]");
    } finally {
      d.close();
    }
  }

  /**
   * A cron window (07:15 for 10 min in New York: 12:15Z–12:25Z on 2026-03-01) and a one-off
   * window. Results at half minutes: the tick at the end opens before the next result.
   */
  @Test
  void cronAndOneOffWindows() {
    try (Driven d = new Driven()) {
      d.target();
      publish(d, window(SHOP, new MaintenanceSchedule.Cron("15 7 * * *", Duration.ofMinutes(10),
          ZoneId.of("America/New_York"))));
      publish(d, window(SHOP, once("12:40", "12:50")));
      for (int m = 0; m <= 52; m++) {
        boolean down = m >= 14 && m <= 25 || m >= 39;
        d.result("a", time(12, m, 30), b -> down ? b.down(Reason.TIMEOUT) : b.up(200));
      }
      assertThat(d.log()).containsExactly(
          "12:25 OPENED down #1 seq=1 [a:DOWN]", // down since 12:15:30, muted until 12:25
          "12:27:30 RESOLVED down #1 seq=2 []",
          "12:50 OPENED down #2 seq=1 [a:DOWN]"); // down since 12:40:30
    }
  }

  /** A window deleted while it holds an incident back: the next tick (a full pass) opens it. */
  @Test
  void aWindowDeletedMidWayOpensAtTheNextDecision() {
    try (Driven d = new Driven()) {
      d.target();
      MaintenanceWindow w = window(SHOP, once("12:05", "13:00"));
      publish(d, w);
      for (int m = 4; m <= 12; m++) {
        d.fail("a", time(12, m, 0));
        if (m == 10) {
          d.until("12:10:20").raw(Driven.TOPICS.maintenance(), w.id().toString(), null);
        }
      }
      assertThat(d.log()).containsExactly("12:10:25 OPENED down #1 seq=1 [a:DOWN]");
    }
  }

  /** A window for a tag mutes the targets carrying it, from the spec version that adds it. */
  @Test
  void aWindowForATagMutesTheTargetsWithTheTag() {
    try (Driven d = new Driven()) {
      d.target(Driven.spec().tag("web").build());
      publish(d, window(tags("db"), once("12:00", "13:00")));
      publish(d, window(new MaintenanceScope(false, List.of("other"), List.of()),
          once("12:00", "13:00")));
      d.fail("a", "12:01").fail("a", "12:02").pass("a", "12:03").pass("a", "12:04")
          .target(Driven.spec().version(2).tag("web").tag("db").build())
          .fail("a", "12:05").fail("a", "12:06").fail("a", "12:07");
      assertThat(d.log()).containsExactly(
          "12:02 OPENED down #1 seq=1 [a:DOWN]", // neither window covers it yet
          "12:04 RESOLVED down #1 seq=2 []");
    }
  }

  /** A window naming the target's id mutes it; one for a tag it does not carry does not. */
  @Test
  void aWindowForTheTargetIdMutesIt() {
    try (Driven d = new Driven()) {
      d.target(Driven.spec().tag("web").build());
      publish(d, window(tags("db"), once("12:00", "12:30")));
      publish(d, window(SHOP, once("12:10", "12:20")));
      for (int m = 11; m <= 22; m++) {
        d.fail("a", time(12, m, 0));
      }
      assertThat(d.log()).containsExactly("12:20 OPENED down #1 seq=1 [a:DOWN]");
    }
  }

  @Test
  void malformedWrongKeyAndStaleWindowsAreCountedAndSkipped() {
    try (Driven d = new Driven()) {
      byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
      UUID id = new UUID(7, 999);
      MaintenanceWindow kept = window(id, 2, SHOP, once("12:00", "12:10"));
      MaintenanceWindow older = window(id, 1, SHOP, once("13:00", "14:00"));
      d.target()
          .raw(Driven.TOPICS.maintenance(), "junk", junk)
          .raw(Driven.TOPICS.alertPolicies(), "default", junk)
          .raw(Driven.TOPICS.maintenance(), "not-its-id", CODEC.encode(kept))
          .raw(Driven.TOPICS.maintenance(), null, CODEC.encode(kept));
      publish(d, kept);
      publish(d, older);
      d.fail("a", "12:01").fail("a", "12:02").fail("a", "12:09").fail("a", "12:11");
      assertThat(d.skipped(Skips.Reason.MALFORMED)).as("window and policy").isEqualTo(2);
      assertThat(d.skipped(Skips.Reason.WRONG_KEY)).isEqualTo(2);
      assertThat(d.skipped(Skips.Reason.STALE)).isEqualTo(1);
      assertThat(d.log()).as("version 2 kept, the topology still running")
          .containsExactly("12:10 OPENED down #1 seq=1 [a:DOWN]");
    }
  }

  /**
   * Certificate lane: a near expiry seen during the window opens nothing; the next result after
   * it (still near) opens at its own time.
   */
  @Test
  void aNearCertificateDuringTheWindowOpensAtTheFirstResultAfterIt() {
    try (Driven d = new Driven()) {
      Instant soon = Driven.at("12:00").plus(Duration.ofDays(5));
      d.target();
      publish(d, window(SHOP, once("12:00", "12:10")));
      d.cert("a", "12:01", soon).cert("a", "12:05", soon).cert("a", "12:09:59", soon)
          .until("12:11").cert("a", "12:11:30", soon);
      assertThat(d.log()).containsExactly("12:11:30 OPENED certificate #1 seq=1 []");
      assertThat(d.events().get(0).certificateExpiresAt()).contains(soon);
    }
  }

  @Test
  void aCertificateIncidentOpenBeforeTheWindowIsAcknowledgedAndResolvesDuringIt() {
    try (Driven d = new Driven()) {
      Instant soon = Driven.at("12:00").plus(Duration.ofDays(5));
      d.target();
      publish(d, window(SHOP, once("12:01", "12:10")));
      d.cert("a", "12:00", soon).ack(1, "alice", "12:03")
          .cert("a", "12:05", Driven.at("12:00").plus(Duration.ofDays(90)));
      assertThat(d.log()).containsExactly(
          "12:00 OPENED certificate #1 seq=1 []",
          "12:03 ACKNOWLEDGED certificate #1 seq=2 []",
          "12:05 RESOLVED certificate #1 seq=3 []");
    }
  }

  /**
   * Flapping: status changes while muted (no incident open) are no flapping evidence, so a
   * target flapping through the whole window and down at its end opens {@code down}, not
   * {@code flapping}.
   */
  @Test
  void flappingDuringTheWindowIsNotCountedAfterIt() {
    try (Driven d = new Driven()) {
      d.target(Driven.spec().alertOverrides(Driven.fields(f -> f.failureThreshold(1)
          .recoveryThreshold(1).flapping(2, Duration.ofMinutes(10)))).build());
      publish(d, window(SHOP, once("12:00", "12:10")));
      for (int m = 1; m <= 15; m++) {
        boolean down = m <= 10 && m % 2 == 1 || m == 10;
        d.result("a", time(12, m, 0), b -> down ? b.down(Reason.TIMEOUT) : b.up(200));
      }
      assertThat(d.log()).containsExactly(
          "12:10 OPENED down #1 seq=1 [a:DOWN]", // down since 12:09, 9 changes in the window
          "12:11 RESOLVED down #1 seq=2 []");
    }
  }

  /** An incident open before the window turns flapping and resolves during it, as usual. */
  @Test
  void anOpenIncidentFlapsAndResolvesDuringTheWindowAsUsual() {
    PolicyFields flappy = new PolicyFields(Optional.of(1), Optional.empty(), Optional.empty(),
        Optional.of(1), Optional.of(1000L), Optional.empty(), Optional.empty(), Optional.of(2),
        Optional.of(Duration.ofMinutes(10)));
    try (Driven d = new Driven()) {
      d.target(Driven.spec().alertOverrides(flappy).build());
      publish(d, window(SHOP, once("12:01", "12:30")));
      d.fail("a", "12:00").slow("a", "12:01", 5000).fail("a", "12:02");
      for (int m = 3; m <= 14; m++) {
        d.pass("a", time(12, m, 0));
      }
      assertThat(d.log()).containsExactly(
          "12:00 OPENED down #1 seq=1 [a:DOWN]",
          "12:01 UPDATED degraded #1 seq=2 [a:DEGRADED]",
          "12:02 UPDATED flapping #1 seq=3 [a:DOWN]",
          "12:13 RESOLVED flapping #1 seq=4 []"); // stable since 12:03 for the flap window
    }
  }

  @Test
  void theWindowsAreAGlobalStoreReadFromTheMaintenanceTopic() {
    var description = AlerterTopology.build(Driven.TOPICS, java.time.Clock.systemUTC(), Driven.TICK)
        .describe();
    assertThat(description.globalStores()).hasSize(2);
    assertThat(description.toString()).contains("webmon.maintenance",
        AlerterTopology.MAINTENANCE);
  }
}
