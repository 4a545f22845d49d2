package dev.webmon.notifier;

import static dev.webmon.notifier.PlanScript.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.Reason;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.Database;
import dev.webmon.store.IncidentWrites;
import dev.webmon.store.Jdbc;
import dev.webmon.store.MaintenanceWindows;
import dev.webmon.store.Schedules;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Escalations} on a real PostgreSQL with a hand-moved clock: the schedule rows and the
 * notification rows, exactly, across a restart (a new instance on the same database) and with two
 * instances claiming at once.
 */
@ExtendWith(PostgresExtension.class)
class EscalationsIT {
  private static final String POLICY_NOTIFY =
      "{\"remindEverySeconds\": 900, \"escalation\": [{\"afterMinutes\": 10, \"channels\": [\"oncall\"]},"
          + " {\"afterMinutes\": 30, \"channels\": [\"boss\", \"gone\"]}]}";
  private static final UUID CAUSE = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");

  private final HandClock clock = new HandClock(t("12:00"));
  private final UUID id = UUID.randomUUID();
  private HikariDataSource ds;

  @BeforeEach
  void setUp(TestDatabase db) throws SQLException {
    ds = Database.pool(db.config(), "test");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    // Channel "gone" is named by the policy but does not exist (deleted): its sends are left out.
    sql("INSERT INTO notify_channel (id, type, name) VALUES ('ops', 'webhook', 'Ops'), ('oncall', 'pagerduty', 'On call'),"
        + " ('boss', 'email', 'Boss')");
    sql("UPDATE alert_policy SET notify = '" + POLICY_NOTIFY + "' WHERE name = 'default'");
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  @Test
  void exactRowsAtExactTimesAcrossARestart() throws SQLException {
    Escalations first = new Escalations(ds, clock);
    transition(first, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
    assertThat(schedule(id)).isEqualTo("open reminders=0 next=12:15 step=0 at=12:10 seq=1 channels=[ops]");
    assertThat(first.runOnce()).isZero();

    clock.set(t("12:09:59"));
    assertThat(first.runOnce()).isZero();
    clock.set(t("12:10"));
    assertThat(first.runOnce()).isEqualTo(1);
    assertThat(notifications()).containsExactly("12:10 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10");
    assertThat(schedule(id)).isEqualTo("open reminders=0 next=12:15 step=1 at=12:30 seq=1 channels=[ops]");

    clock.set(t("12:15"));
    first.runOnce();
    // A redelivered OPENED and an UPDATED: the row keeps its plan, last_event moves to seq 2.
    transition(first, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops", "oncall"));
    transition(first, event(id, 2, IncidentEvent.Kind.UPDATED, t("12:20"), Optional.empty()), List.of("ops"));
    assertThat(schedule(id)).isEqualTo("open reminders=1 next=12:30 step=1 at=12:30 seq=2 channels=[ops]");

    // Restart: the first instance is gone; a new one on the same database, same instant.
    Escalations second = new Escalations(ds, clock);
    assertThat(second.runOnce()).isZero();
    clock.set(t("12:30"));
    assertThat(second.runOnce()).isEqualTo(1);
    assertThat(second.runOnce()).isZero();

    // Down from 12:31 to 13:20: one catch-up reminder, then the grid again.
    clock.set(t("13:20"));
    second.runOnce();
    assertThat(schedule(id)).isEqualTo("open reminders=3 next=13:30 step=2 at=- seq=2 channels=[ops]");

    IncidentEvent.Acknowledgement ack = new IncidentEvent.Acknowledgement("alice", Optional.empty(), t("13:25"));
    transition(second, event(id, 3, IncidentEvent.Kind.ACKNOWLEDGED, t("13:25"), Optional.of(ack)), List.of("ops"));
    assertThat(schedule(id)).isEqualTo("acknowledged reminders=3 next=- step=2 at=- seq=3 channels=[ops]");
    clock.set(t("15:00"));
    assertThat(new Escalations(ds, clock).runOnce()).isZero();

    assertThat(notifications()).containsExactly(
        "12:10 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10",
        "12:15 REMINDER " + id + ":reminder-1:ops seq=1 reminder 1",
        "12:30 REMINDER " + id + ":reminder-2:ops seq=2 reminder 2",
        "12:30 ESCALATION " + id + ":escalation-2:boss seq=2 step 2 after 30",
        "13:20 REMINDER " + id + ":reminder-3:ops seq=2 reminder 3");
  }

  @Test
  void aMaintenanceWindowHoldsRemindersAndStepsToItsEndAcrossARestart() throws SQLException {
    MaintenanceWindow window = new MaintenanceWindow(UUID.randomUUID(), 1, "db upgrade", "",
        new MaintenanceScope(false, List.of("shop-home"), List.of()),
        new MaintenanceSchedule.Once(t("12:05"), t("12:40")), t("11:00"));
    Jdbc.transaction(ds, c -> new MaintenanceWindows().insert(c, window));
    Escalations first = new Escalations(ds, clock);
    transition(first, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));

    clock.set(t("12:10"));
    assertThat(first.runOnce()).isEqualTo(1);
    assertThat(notifications()).isEmpty();
    assertThat(schedule(id)).isEqualTo("open reminders=0 next=12:40 step=0 at=12:40 seq=1 channels=[ops]");

    Escalations second = new Escalations(ds, clock);
    clock.set(t("12:39:59"));
    assertThat(second.runOnce()).isZero();
    clock.set(t("12:40"));
    assertThat(second.runOnce()).isEqualTo(1);
    // The catch-up of an outage: one reminder, then every step that fell due, in order.
    assertThat(notifications()).containsExactly(
        "12:40 REMINDER " + id + ":reminder-1:ops seq=1 reminder 1",
        "12:40 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10",
        "12:40 ESCALATION " + id + ":escalation-2:boss seq=1 step 2 after 30");
    assertThat(schedule(id)).isEqualTo("open reminders=1 next=12:45 step=2 at=- seq=1 channels=[ops]");
  }

  @Test
  void onlyWindowsCoveringTheTargetByIdOrTagHold() throws SQLException {
    sql("INSERT INTO target (id, name, url, interval_seconds, tags, version, spec, updated_at) VALUES ('shop-home', 'Shop',"
        + " 'https://shop.example/', 60, '{env:prod}', 1, '{}'::jsonb, now())");
    MaintenanceWindow other = new MaintenanceWindow(UUID.randomUUID(), 1, "other", "",
        new MaintenanceScope(false, List.of("blog"), List.of("env:staging")),
        new MaintenanceSchedule.Once(t("12:05"), t("12:40")), t("11:00"));
    Jdbc.transaction(ds, c -> new MaintenanceWindows().insert(c, other));
    Escalations e = new Escalations(ds, clock);
    transition(e, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
    clock.set(t("12:10"));
    e.runOnce();
    assertThat(notifications()).containsExactly("12:10 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10");

    MaintenanceWindow prod = new MaintenanceWindow(UUID.randomUUID(), 1, "prod", "",
        new MaintenanceScope(false, List.of(), List.of("env:prod")),
        new MaintenanceSchedule.Once(t("12:12"), t("12:20")), t("11:00"));
    Jdbc.transaction(ds, c -> new MaintenanceWindows().insert(c, prod));
    clock.set(t("12:15"));
    e.runOnce();
    assertThat(schedule(id)).isEqualTo("open reminders=0 next=12:20 step=1 at=12:30 seq=1 channels=[ops]");
    clock.set(t("12:20"));
    e.runOnce();
    assertThat(notifications()).containsExactly(
        "12:10 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10",
        "12:20 REMINDER " + id + ":reminder-1:ops seq=1 reminder 1");
  }

  @Test
  void thePayloadIsTheNewestEventPlusTheFollowUpAndDecodes() throws Exception {
    Escalations e = new Escalations(ds, clock);
    transition(e, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
    IncidentEvent updated = event(id, 2, IncidentEvent.Kind.UPDATED, t("12:05"), Optional.empty());
    transition(e, updated, List.of("ops"));
    clock.set(t("12:15"));
    e.runOnce();
    String payload = Jdbc.read(ds, c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT payload::text, target_id, severity FROM notification WHERE kind = 'REMINDER'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(2)).isEqualTo("shop-home");
        assertThat(rs.getString(3)).isEqualTo("down");
        return rs.getString(1);
      }
    });
    assertThat(new EventCodec().decodeIncident(payload.getBytes(StandardCharsets.UTF_8))).isEqualTo(updated);
    JsonNode tree = Json.MAPPER.readTree(payload);
    assertThat(FollowUp.of(tree)).contains(FollowUp.reminder(1));
  }

  @Test
  void anAcknowledgementTheSinkStoredFirstStopsTheSchedule() throws SQLException {
    Escalations e = new Escalations(ds, clock);
    IncidentEvent opened = event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty());
    transition(e, opened, List.of("ops"));
    IncidentEvent.Acknowledgement ack = new IncidentEvent.Acknowledgement("bob", Optional.empty(), t("12:05"));
    IncidentEvent acked = event(id, 2, IncidentEvent.Kind.ACKNOWLEDGED, t("12:05"), Optional.of(ack));
    Jdbc.transaction(ds, c -> IncidentWrites.write(c, IncidentWrites.rows(List.of(opened, acked))));
    clock.set(t("12:30"));
    assertThat(e.runOnce()).isEqualTo(1);
    assertThat(notifications()).isEmpty();
    assertThat(schedule(id)).isEqualTo("acknowledged reminders=0 next=- step=0 at=- seq=1 channels=[ops]");
  }

  @Test
  void aPolicyWithoutSettingsHasNoScheduleRow() throws SQLException {
    sql("UPDATE alert_policy SET notify = '{}' WHERE name = 'default'");
    Escalations e = new Escalations(ds, clock);
    transition(e, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
    Optional<Schedules.Row> row = Jdbc.read(ds, c -> Schedules.find(c, id));
    assertThat(row).isEmpty();
  }

  @Test
  void theLoopSendsWhatFallsDueOnItsClockAndStops() throws SQLException {
    try (Escalations e = new Escalations(ds, clock, Duration.ofMillis(20), 10)) {
      transition(e, event(id, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
      e.start();
      clock.set(t("12:10"));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(notifications()).containsExactly(
          "12:10 ESCALATION " + id + ":escalation-1:oncall seq=1 step 1 after 10"));
    }
    clock.set(t("12:15"));
    // Closed: nothing claims the reminder now due; a pass by hand shows it was due.
    assertThat(count("SELECT count(*) FROM notification")).isEqualTo(1);
    assertThat(new Escalations(ds, clock).runOnce()).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM notification")).isEqualTo(2);
  }

  @Test
  void twoInstancesAtOnceNeverInsertAStepTwice() throws Exception {
    int incidents = 120;
    Escalations opener = new Escalations(ds, clock);
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < incidents; i++) {
      UUID incident = UUID.randomUUID();
      ids.add(incident);
      transition(opener, event(incident, 1, IncidentEvent.Kind.OPENED, t("12:00"), Optional.empty()), List.of("ops"));
    }
    clock.set(t("12:10"));
    Escalations a = new Escalations(ds, clock, Duration.ofSeconds(1), 3);
    Escalations b = new Escalations(ds, clock, Duration.ofSeconds(1), 3);
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<Integer>> claimed = new ArrayList<>();
      for (Escalations e : List.of(a, b)) {
        Callable<Integer> drain = () -> {
          go.await();
          int total = 0;
          for (int n = e.runOnce(); n > 0; n = e.runOnce()) {
            total += n;
          }
          return total;
        };
        claimed.add(pool.submit(drain));
      }
      go.countDown();
      int sum = claimed.get(0).get() + claimed.get(1).get();
      // Each due row is claimed by exactly one instance: a row claimed twice would count twice.
      assertThat(sum).isEqualTo(incidents);
    }
    assertThat(count("SELECT count(*) FROM notification WHERE kind = 'ESCALATION'")).isEqualTo(incidents);
    assertThat(count("SELECT count(DISTINCT incident_id) FROM notification WHERE dedup_key LIKE '%:escalation-1:oncall'"))
        .isEqualTo(incidents);
    assertThat(count("SELECT count(*) FROM notify_schedule WHERE next_step = 1 AND next_step_at = '" + t("12:30") + "'"))
        .isEqualTo(incidents);
  }

  private void transition(Escalations e, IncidentEvent event, List<String> channels) {
    Jdbc.transaction(ds, c -> {
      e.onTransition(event, channels, c);
      return null;
    });
  }

  private static IncidentEvent event(UUID incident, long seq, IncidentEvent.Kind kind, Instant at,
      Optional<IncidentEvent.Acknowledgement> ack) {
    List<LocationStatus> locations = List.of(
        new LocationStatus("eu-west", LocationStatus.State.DOWN, Optional.of(Reason.TIMEOUT), Optional.of(CAUSE)));
    return new IncidentEvent(incident, "shop-home", "Shop home page", seq, kind, IncidentSeverity.DOWN, at, t("12:00"),
        kind == IncidentEvent.Kind.RESOLVED ? List.of() : locations, CAUSE, 1, 3, "default", ack, Optional.empty());
  }

  /** The schedule row: state, counters, next instants (HH:mm), the newest event's seq, the channels. */
  private String schedule(UUID incident) {
    Schedules.Row r = Jdbc.read(ds, c -> Schedules.find(c, incident)).orElseThrow();
    JsonNode event;
    try {
      event = Json.MAPPER.readTree(r.lastEvent());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError(e);
    }
    assertThat(r.openedAt()).isEqualTo(t("12:00"));
    assertThat(NotifySettings.fromJson(r.notifySettings())).isEqualTo(NotifySettings.fromJson(POLICY_NOTIFY));
    String state = r.resolved() ? "resolved" : r.acknowledged() ? "acknowledged" : "open";
    return state + " reminders=" + r.remindersSent() + " next=" + r.nextReminderAt().map(PlanScript::hhmm).orElse("-")
        + " step=" + r.nextStep() + " at=" + r.nextStepAt().map(PlanScript::hhmm).orElse("-") + " seq="
        + event.path("seq").asLong() + " channels=" + r.channels();
  }

  /** Every notification row, by id: due time, kind, dedup key, seq, and the follow-up its payload names. */
  private List<String> notifications() {
    return Jdbc.read(ds, c -> {
      List<String> out = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT due_at, kind, dedup_key, seq, payload::text, state, channel_id, incident_id FROM notification ORDER BY id")) {
        while (rs.next()) {
          assertThat(rs.getString("state")).isEqualTo("pending");
          assertThat(rs.getString("dedup_key")).endsWith(":" + rs.getString("channel_id"));
          FollowUp f = FollowUp.of(Json.MAPPER.readTree(rs.getString("payload"))).orElseThrow();
          String what = f.kind() == FollowUp.Kind.REMINDER ? "reminder " + f.number()
              : "step " + f.number() + " after " + f.afterMinutes();
          out.add(PlanScript.hhmm(rs.getTimestamp("due_at").toInstant()) + " " + rs.getString("kind") + " "
              + rs.getString("dedup_key") + " seq=" + rs.getLong("seq") + " " + what);
        }
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new AssertionError(e);
      }
      return out;
    });
  }

  private long count(String query) {
    return Jdbc.read(ds, c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  private void sql(String statement) throws SQLException {
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }
}
