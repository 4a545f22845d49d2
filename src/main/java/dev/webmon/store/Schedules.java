package dev.webmon.store;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The reminder and escalation schedule of open incidents (table {@code notify_schedule}, V17 and
 * V20) and the notifications it causes (table {@code notification}). Every method works on the
 * caller's connection and transaction: the notifier engine's when a transition is consumed, the
 * scheduler's when it claims due rows, inserts their notifications and advances them in one
 * transaction. Stateless and thread-safe.
 */
public final class Schedules {
  private static final String COLUMNS =
      "s.incident_id, s.target_id, s.policy, s.opened_at, s.acknowledged, s.resolved, s.next_reminder_at, "
          + "s.reminders_sent, s.next_step, s.next_step_at, s.last_event::text AS last_event, s.channels, "
          + "s.notify::text AS notify";

  private Schedules() {}

  /**
   * One row of {@code notify_schedule}.
   *
   * @param lastEvent the incident's newest transition, {@code IncidentEvent} JSON
   * @param channels the channels that got the OPENED
   * @param notifySettings the policy's notify settings JSON when the incident opened
   */
  public record Row(
      UUID incidentId,
      String targetId,
      String policy,
      Instant openedAt,
      boolean acknowledged,
      boolean resolved,
      Optional<Instant> nextReminderAt,
      int remindersSent,
      int nextStep,
      Optional<Instant> nextStepAt,
      String lastEvent,
      List<String> channels,
      String notifySettings) {
    public Row {
      Objects.requireNonNull(incidentId, "incidentId");
      Objects.requireNonNull(targetId, "targetId");
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(openedAt, "openedAt");
      Objects.requireNonNull(nextReminderAt, "nextReminderAt");
      Objects.requireNonNull(nextStepAt, "nextStepAt");
      Objects.requireNonNull(lastEvent, "lastEvent");
      channels = List.copyOf(channels);
      Objects.requireNonNull(notifySettings, "notifySettings");
    }
  }

  /** A due row as claimed, with the state of its incident as the sink stored it (empty if none). */
  public record Claimed(Row row, Optional<String> incidentState) {}

  /** A {@code notification} row to insert, pending and due at {@code dueAt}. */
  public record Outgoing(
      String dedupKey,
      String channelId,
      UUID incidentId,
      long seq,
      String kind,
      String targetId,
      String severity,
      String payload,
      Instant dueAt) {
    public Outgoing {
      Objects.requireNonNull(dedupKey, "dedupKey");
      Objects.requireNonNull(channelId, "channelId");
      Objects.requireNonNull(incidentId, "incidentId");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(targetId, "targetId");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(dueAt, "dueAt");
    }
  }

  /** The {@code notify} settings JSON of policy {@code name}; {@code {}} when there is no such policy. */
  public static String policyNotify(Connection c, String name) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT notify::text FROM alert_policy WHERE name = :name AND version > 0")
                .text("name", name);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getString(1) : "{}";
    }
  }

  /** Inserts the row of an incident that opened; nothing if it exists (a redelivered OPENED). */
  public static boolean open(Connection c, Row row) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                """
                INSERT INTO notify_schedule (incident_id, target_id, policy, opened_at, acknowledged, resolved,
                    next_reminder_at, reminders_sent, next_step, next_step_at, last_event, channels, notify)
                VALUES (:id, :target, :policy, :opened, :ack, :resolved, :nextReminder, :reminders, :step, :nextStep,
                    :event::jsonb, :channels, :notify::jsonb)
                ON CONFLICT (incident_id) DO NOTHING
                """)
            .object("id", row.incidentId(), Types.OTHER)
            .text("target", row.targetId())
            .text("policy", row.policy())
            .timestamp("opened", row.openedAt())
            .bool("ack", row.acknowledged())
            .bool("resolved", row.resolved())
            .timestamp("nextReminder", row.nextReminderAt().orElse(null))
            .integer("reminders", row.remindersSent())
            .integer("step", row.nextStep())
            .timestamp("nextStep", row.nextStepAt().orElse(null))
            .text("event", row.lastEvent())
            .array("channels", "text", row.channels().toArray())
            .text("notify", row.notifySettings())) {
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Records a later transition of the incident: {@code last_event} becomes {@code event} if its seq
   * is higher than the stored one's; {@code acknowledge}/{@code resolve} stop the schedule for good
   * (whatever the order transitions come in).
   *
   * @return whether the incident has a row
   */
  public static boolean transition(Connection c, UUID incidentId, long seq, String event, boolean acknowledge,
      boolean resolve) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                """
                UPDATE notify_schedule SET
                    last_event = CASE WHEN (last_event->>'seq')::bigint < :seq THEN :event::jsonb ELSE last_event END,
                    acknowledged = acknowledged OR :ack,
                    resolved = resolved OR :resolved,
                    next_reminder_at = CASE WHEN :ack OR :resolved THEN NULL ELSE next_reminder_at END,
                    next_step_at = CASE WHEN :ack OR :resolved THEN NULL ELSE next_step_at END
                WHERE incident_id = :id
                """)
            .bigint("seq", seq)
            .text("event", event)
            .bool("ack", acknowledge)
            .bool("resolved", resolve)
            .object("id", incidentId, Types.OTHER)) {
      return ps.executeUpdate() == 1;
    }
  }

  /**
   * Locks and returns up to {@code limit} rows that are open, unacknowledged and have something due
   * at {@code now}, earliest first; rows another transaction holds are skipped ({@code FOR UPDATE
   * SKIP LOCKED}), so concurrent schedulers never claim the same row.
   */
  public static List<Claimed> claimDue(Connection c, Instant now, int limit) throws SQLException {
    List<Claimed> rows = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    "SELECT " + COLUMNS + ", i.state AS incident_state FROM notify_schedule s "
                        + "LEFT JOIN incident i ON i.id = s.incident_id "
                        + "WHERE NOT s.acknowledged AND NOT s.resolved "
                        + "AND LEAST(s.next_reminder_at, s.next_step_at) <= :now "
                        + "ORDER BY LEAST(s.next_reminder_at, s.next_step_at), s.incident_id "
                        + "LIMIT :limit FOR UPDATE OF s SKIP LOCKED")
                .timestamp("now", now)
                .integer("limit", limit);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        rows.add(new Claimed(row(rs), Optional.ofNullable(rs.getString("incident_state"))));
      }
    }
    return rows;
  }

  /** The row of {@code incidentId}, unlocked. */
  public static Optional<Row> find(Connection c, UUID incidentId) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT " + COLUMNS + " FROM notify_schedule s WHERE s.incident_id = :id")
                .object("id", incidentId, Types.OTHER);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row(rs)) : Optional.empty();
    }
  }

  /** Writes what the scheduler decided: flags, counters and next instants of {@code row}. */
  public static void advance(Connection c, Row row) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                """
                UPDATE notify_schedule SET acknowledged = :ack, resolved = :resolved, next_reminder_at = :nextReminder,
                    reminders_sent = :reminders, next_step = :step, next_step_at = :nextStep
                WHERE incident_id = :id
                """)
            .bool("ack", row.acknowledged())
            .bool("resolved", row.resolved())
            .timestamp("nextReminder", row.nextReminderAt().orElse(null))
            .integer("reminders", row.remindersSent())
            .integer("step", row.nextStep())
            .timestamp("nextStep", row.nextStepAt().orElse(null))
            .object("id", row.incidentId(), Types.OTHER)) {
      if (ps.executeUpdate() != 1) {
        throw new SQLException("notify_schedule row " + row.incidentId() + " vanished while locked", "02000");
      }
    }
  }

  /**
   * Inserts pending notifications in one statement; a row whose dedup key exists, or whose channel
   * no longer exists, is left out.
   *
   * @return the rows inserted
   */
  public static int enqueue(Connection c, List<Outgoing> rows) throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    int n = rows.size();
    Object[] keys = new Object[n];
    Object[] channels = new Object[n];
    Object[] incidents = new Object[n];
    Object[] seqs = new Object[n];
    Object[] kinds = new Object[n];
    Object[] targets = new Object[n];
    Object[] severities = new Object[n];
    Object[] payloads = new Object[n];
    Object[] due = new Object[n];
    for (int i = 0; i < n; i++) {
      Outgoing o = rows.get(i);
      keys[i] = o.dedupKey();
      channels[i] = o.channelId();
      incidents[i] = o.incidentId().toString();
      seqs[i] = o.seq();
      kinds[i] = o.kind();
      targets[i] = o.targetId();
      severities[i] = o.severity();
      payloads[i] = o.payload();
      due[i] = Timestamp.from(o.dueAt());
    }
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                """
                INSERT INTO notification (dedup_key, channel_id, incident_id, seq, kind, target_id, severity, payload,
                    state, due_at)
                SELECT u.key, u.channel, u.incident::uuid, u.seq, u.kind, u.target, u.severity, u.payload::jsonb,
                    'pending', u.due
                FROM unnest(:keys::text[], :channels::text[], :incidents::text[], :seqs::int8[], :kinds::text[],
                            :targets::text[], :severities::text[], :payloads::text[], :due::timestamptz[])
                     WITH ORDINALITY AS u(key, channel, incident, seq, kind, target, severity, payload, due, ord)
                WHERE EXISTS (SELECT 1 FROM notify_channel ch WHERE ch.id = u.channel)
                ORDER BY u.ord
                ON CONFLICT (dedup_key) DO NOTHING
                """)
            .array("keys", "text", keys)
            .array("channels", "text", channels)
            .array("incidents", "text", incidents)
            .array("seqs", "int8", seqs)
            .array("kinds", "text", kinds)
            .array("targets", "text", targets)
            .array("severities", "text", severities)
            .array("payloads", "text", payloads)
            .array("due", "timestamptz", due)) {
      return ps.executeUpdate();
    }
  }

  private static Row row(ResultSet rs) throws SQLException {
    Array channels = rs.getArray("channels");
    return new Row(
        rs.getObject("incident_id", UUID.class),
        rs.getString("target_id"),
        rs.getString("policy"),
        Jdbc.instant(rs, "opened_at"),
        rs.getBoolean("acknowledged"),
        rs.getBoolean("resolved"),
        Optional.ofNullable(Jdbc.instant(rs, "next_reminder_at")),
        rs.getInt("reminders_sent"),
        rs.getInt("next_step"),
        Optional.ofNullable(Jdbc.instant(rs, "next_step_at")),
        rs.getString("last_event"),
        Arrays.stream((Object[]) channels.getArray()).map(String.class::cast).toList(),
        rs.getString("notify"));
  }
}
