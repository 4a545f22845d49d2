package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.UUID;

/**
 * The outbox ({@code notification}) and its delivery log ({@code notification_attempt}), as the
 * notifier uses them: the consumer enqueues rows in the transaction that moves its offsets; a
 * worker claims a channel's oldest pending row ({@code FOR UPDATE SKIP LOCKED}: a row another
 * worker holds is skipped, so that channel is left to it), sends, and records the outcome in the
 * same transaction. Stateless.
 */
public final class Notifications {
  private Notifications() {}

  /** A row to enqueue; {@code payload} is JSON text. */
  public record New(
      String dedupKey,
      String channelId,
      Optional<UUID> incidentId,
      long seq,
      String kind,
      String targetId,
      String severity,
      String payload,
      Instant dueAt,
      Instant createdAt) {
    public New {
      Objects.requireNonNull(dedupKey, "dedupKey");
      Objects.requireNonNull(incidentId, "incidentId");
    }
  }

  /** A claimed pending row, with its target's URL when the target is known. */
  public record Pending(
      long id,
      String dedupKey,
      String channelId,
      String kind,
      Optional<UUID> incidentId,
      long seq,
      String targetId,
      String severity,
      String payload,
      int attempts,
      Instant createdAt,
      Instant dueAt,
      Optional<Long> groupId,
      Optional<String> targetUrl) {}

  /**
   * One attempt's outcome for one row.
   *
   * @param outcome {@code delivered}, {@code retry}, {@code failed} or {@code refused}
   * @param nextRetryAt when the row is due again ({@code retry} only)
   */
  public record Attempt(
      long notificationId,
      int attempt,
      Instant at,
      String outcome,
      OptionalInt httpStatus,
      Optional<String> smtpReply,
      int latencyMs,
      Optional<Instant> nextRetryAt,
      String detail) {}

  /** Pending rows per channel type: how many, and since when the oldest waits. */
  public record Queue(String channelType, long pending, Instant oldestCreatedAt) {}

  private static final String INSERT =
      "INSERT INTO notification (dedup_key, channel_id, incident_id, seq, kind, target_id, severity, payload, "
          + "due_at, created_at) "
          + "SELECT k, ch, i::uuid, s, kd, t, sv, p::jsonb, d::timestamptz, cr::timestamptz FROM unnest("
          + ":keys::text[], :channels::text[], :incidents::text[], :seqs::int8[], :kinds::text[], :targets::text[], "
          + ":severities::text[], :payloads::text[], :due::text[], :created::text[]) WITH ORDINALITY "
          + "AS u(k, ch, i, s, kd, t, sv, p, d, cr, ord) "
          + "WHERE EXISTS (SELECT 1 FROM notify_channel c WHERE c.id = ch) "
          // ids in the order given: a channel's rows are delivered by id, which keeps each incident's order
          + "ORDER BY ord "
          + "ON CONFLICT (dedup_key) DO NOTHING";

  /** Enqueues the rows; a dedup key already queued is skipped. Returns how many were new. */
  public static int insert(Connection c, List<New> rows) throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    try (NamedStatement ps =
        NamedStatement.prepare(c, INSERT)
            .array("keys", "text", rows.stream().map(New::dedupKey).toArray())
            .array("channels", "text", rows.stream().map(New::channelId).toArray())
            .array("incidents", "text", rows.stream().map(r -> r.incidentId().map(UUID::toString).orElse(null)).toArray())
            .array("seqs", "int8", rows.stream().map(New::seq).toArray())
            .array("kinds", "text", rows.stream().map(New::kind).toArray())
            .array("targets", "text", rows.stream().map(New::targetId).toArray())
            .array("severities", "text", rows.stream().map(New::severity).toArray())
            .array("payloads", "text", rows.stream().map(New::payload).toArray())
            .array("due", "text", rows.stream().map(r -> r.dueAt().toString()).toArray())
            .array("created", "text", rows.stream().map(r -> r.createdAt().toString()).toArray())) {
      return ps.executeUpdate();
    }
  }

  /**
   * Per incident, the channels that were told of one of its transitions (OPENED, UPDATED,
   * ACKNOWLEDGED or RESOLVED): they get its later transitions whatever the routing says now.
   */
  public static Map<UUID, Set<String>> toldChannels(Connection c, Collection<UUID> incidents) throws SQLException {
    Map<UUID, Set<String>> out = new HashMap<>();
    if (incidents.isEmpty()) {
      return out;
    }
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                "SELECT DISTINCT incident_id, channel_id FROM notification WHERE incident_id = ANY(:ids::uuid[]) "
                    + "AND kind IN ('OPENED', 'UPDATED', 'ACKNOWLEDGED', 'RESOLVED')")
            .array("ids", "text", incidents.stream().map(UUID::toString).toArray())) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getObject(1, UUID.class), k -> new HashSet<>()).add(rs.getString(2));
        }
      }
    }
    return out;
  }

  /** The tags of the given targets (a target not in table {@code target} is absent). */
  public static Map<String, List<String>> targetTags(Connection c, Collection<String> targetIds) throws SQLException {
    Map<String, List<String>> out = new HashMap<>();
    if (targetIds.isEmpty()) {
      return out;
    }
    try (NamedStatement ps =
        NamedStatement.prepare(c, "SELECT id, tags FROM target WHERE id = ANY(:ids::text[])")
            .array("ids", "text", targetIds.toArray())) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), NotifyChannels.strings(rs.getArray(2)));
        }
      }
    }
    return out;
  }

  private static final String PENDING_COLUMNS =
      "n.id, n.dedup_key, n.channel_id, n.kind, n.incident_id, n.seq, n.target_id, n.severity, "
          + "n.payload::text AS payload, n.attempts, n.created_at, "
          + "n.due_at, n.group_id, (SELECT t.url FROM target t WHERE t.id = n.target_id) AS target_url";

  /**
   * Locks the channel's oldest pending row if it is due and no other worker holds it. Empty when
   * nothing is due, or when another worker is delivering to this channel (its row is locked and
   * skipped; the rows behind it wait for it, which keeps the order per channel).
   */
  public static Optional<Pending> claimHead(Connection c, String channelId, Instant now) throws SQLException {
    String sql =
        "WITH head AS (SELECT id FROM notification WHERE channel_id = :channel AND state = 'pending' "
            + "ORDER BY id LIMIT 1) "
            + "SELECT " + PENDING_COLUMNS + " FROM notification n JOIN head h ON h.id = n.id "
            + "WHERE n.state = 'pending' AND n.due_at <= :now FOR UPDATE OF n SKIP LOCKED";
    try (NamedStatement ps = NamedStatement.prepare(c, sql).text("channel", channelId).timestamp("now", now)) {
      List<Pending> rows = pending(ps);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
  }

  /**
   * The other rows that go out in one message with {@code head} (an OPENED row): those already
   * grouped with it, or else the channel's pending ungrouped OPENED rows queued ({@code
   * created_at}, the notifier's clock) strictly before {@code closesAt}, which are then grouped
   * under {@code head.id}. The notifier passes {@code head.createdAt + notify.group-wait}: the
   * window's end is exclusive (notifier.GroupWindow). No PostgreSQL clock is read. Locked.
   */
  public static List<Pending> claimGroup(Connection c, Pending head, Instant closesAt) throws SQLException {
    if (head.groupId().isPresent()) {
      try (NamedStatement ps =
          NamedStatement.prepare(
                  c,
                  "SELECT " + PENDING_COLUMNS + " FROM notification n WHERE n.group_id = :group AND n.id <> :head "
                      + "AND n.state = 'pending' ORDER BY n.id FOR UPDATE OF n SKIP LOCKED")
              .bigint("group", head.groupId().get())
              .bigint("head", head.id())) {
        return pending(ps);
      }
    }
    List<Pending> others;
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                "SELECT " + PENDING_COLUMNS + " FROM notification n WHERE n.channel_id = :channel AND n.id <> :head "
                    + "AND n.state = 'pending' AND n.kind = 'OPENED' AND n.group_id IS NULL "
                    + "AND n.created_at < :until ORDER BY n.id FOR UPDATE OF n SKIP LOCKED")
            .text("channel", head.channelId())
            .bigint("head", head.id())
            .timestamp("until", closesAt)) {
      others = pending(ps);
    }
    if (!others.isEmpty()) {
      List<Long> ids = new ArrayList<>();
      ids.add(head.id());
      others.forEach(p -> ids.add(p.id()));
      try (NamedStatement ps =
          NamedStatement.prepare(c, "UPDATE notification SET group_id = :group WHERE id = ANY(:ids::int8[])")
              .bigint("group", head.id())
              .array("ids", "int8", ids.toArray())) {
        ps.executeUpdate();
      }
    }
    return others;
  }

  private static List<Pending> pending(NamedStatement ps) throws SQLException {
    List<Pending> rows = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        long group = rs.getLong("group_id");
        Optional<Long> groupId = rs.wasNull() ? Optional.empty() : Optional.of(group);
        rows.add(
            new Pending(
                rs.getLong("id"),
                rs.getString("dedup_key"),
                rs.getString("channel_id"),
                rs.getString("kind"),
                Optional.ofNullable(rs.getObject("incident_id", UUID.class)),
                rs.getLong("seq"),
                String.valueOf(rs.getString("target_id")),
                String.valueOf(rs.getString("severity")),
                rs.getString("payload"),
                rs.getInt("attempts"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "due_at"),
                groupId,
                Optional.ofNullable(rs.getString("target_url"))));
      }
    }
    return rows;
  }

  /**
   * Logs the attempt and moves its row on: {@code delivered} sets state delivered; {@code retry}
   * keeps it pending until {@code nextRetryAt}; {@code failed} and {@code refused} set state
   * failed. Counts the attempt; {@code lastError} is the detail of anything but a delivery.
   */
  public static void settle(Connection c, Attempt a) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                "INSERT INTO notification_attempt (notification_id, attempt, at, outcome, http_status, smtp_reply, "
                    + "latency_ms, next_retry_at, detail) VALUES (:id, :attempt, :at, :outcome, :status, :smtp, "
                    + ":latency, :next, :detail) ON CONFLICT DO NOTHING")
            .bigint("id", a.notificationId())
            .integer("attempt", a.attempt())
            .timestamp("at", a.at())
            .text("outcome", a.outcome())
            .integer("status", a.httpStatus().isPresent() ? a.httpStatus().getAsInt() : null)
            .text("smtp", a.smtpReply().orElse(null))
            .integer("latency", a.latencyMs())
            .timestamp("next", a.nextRetryAt().orElse(null))
            .text("detail", a.detail())) {
      ps.executeUpdate();
    }
    String state =
        switch (a.outcome()) {
          case "delivered" -> "delivered";
          case "retry" -> "pending";
          default -> "failed";
        };
    try (NamedStatement ps =
        NamedStatement.prepare(
                c,
                "UPDATE notification SET state = :state, attempts = :attempt, "
                    + "due_at = COALESCE(:next, due_at), "
                    + "delivered_at = CASE WHEN :state = 'delivered' THEN :at ELSE delivered_at END, "
                    + "last_error = CASE WHEN :state = 'delivered' THEN last_error ELSE :detail END "
                    + "WHERE id = :id")
            .text("state", state)
            .integer("attempt", a.attempt())
            .timestamp("next", a.nextRetryAt().orElse(null))
            .timestamp("at", a.at())
            .text("detail", a.detail())
            .bigint("id", a.notificationId())) {
      ps.executeUpdate();
    }
  }

  /** Ids of the channels that have notifications due at {@code now} (the dispatcher's work list; the partial index). */
  public static List<String> dueChannels(Connection c, Instant now) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (NamedStatement ps =
        NamedStatement.prepare(c, "SELECT DISTINCT channel_id FROM notification WHERE state = 'pending' AND due_at <= :now")
            .timestamp("now", now)) {
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
    }
    return ids;
  }

  /** Pending rows by channel type, for the metrics. */
  public static List<Queue> queues(Connection c) throws SQLException {
    List<Queue> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                "SELECT ch.type, count(*) AS pending, min(n.created_at) AS oldest FROM notification n "
                    + "JOIN notify_channel ch ON ch.id = n.channel_id WHERE n.state = 'pending' GROUP BY ch.type");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new Queue(rs.getString("type"), rs.getLong("pending"), Jdbc.instant(rs, "oldest")));
      }
    }
    return out;
  }
}
