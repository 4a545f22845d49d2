package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery log the web shows, from {@code notification} and {@code notification_attempt}
 * (V17): every attempt of an incident's notifications, a channel's recent attempts, the channels
 * whose latest delivery did not get through, and the web's own TEST notifications ("Send test"),
 * which it writes already finished so that no notifier worker ever claims them. Methods work on
 * the caller's connection. Stateless and thread-safe.
 */
public final class DeliveryLog {
  /** Most attempts listed for one incident or channel. */
  public static final int MAX_ATTEMPTS = 500;

  /**
   * One attempt (or a notification not attempted yet: {@code attempt} 0, {@code outcome} its state).
   *
   * @param at when attempted (or, when not yet, when due)
   * @param outcome {@code delivered}, {@code retry}, {@code failed}, {@code refused}, or for a
   *     notification without attempts its state ({@code pending}, {@code cancelled})
   */
  public record Attempt(
      long notificationId,
      String channelId,
      String channelName,
      String channelType,
      String kind,
      long seq,
      int attempt,
      Instant at,
      String outcome,
      Optional<Integer> httpStatus,
      Optional<String> smtpReply,
      Optional<Integer> latencyMs,
      Optional<Instant> nextRetryAt,
      String detail) {
    public Attempt {
      Objects.requireNonNull(channelId, "channelId");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** A channel whose latest attempted delivery failed or is being retried. */
  public record Failing(String id, String name, String state, String lastError, Instant since) {}

  /** A finished TEST notification to log (the web sent it itself). */
  public record Test(
      String channelId,
      String payloadJson,
      Instant at,
      boolean delivered,
      String outcome,
      Optional<Integer> httpStatus,
      Optional<String> smtpReply,
      int latencyMs,
      String detail) {}

  private static final String SELECT =
      """
      SELECT n.id, n.channel_id, c.name AS channel_name, c.type AS channel_type, n.kind, coalesce(n.seq, 0) AS seq,
          coalesce(a.attempt, 0) AS attempt, coalesce(a.at, n.due_at) AS at, coalesce(a.outcome, n.state) AS outcome,
          a.http_status, a.smtp_reply, a.latency_ms, a.next_retry_at,
          coalesce(a.detail, n.last_error, '') AS detail
      FROM notification n
      JOIN notify_channel c ON c.id = n.channel_id
      LEFT JOIN notification_attempt a ON a.notification_id = n.id
      """;

  /** Every attempt of the incident's notifications, oldest first. */
  public List<Attempt> ofIncident(Connection c, UUID incidentId) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c, SELECT + " WHERE n.incident_id = :incident ORDER BY n.id, a.attempt LIMIT " + MAX_ATTEMPTS)
            .object("incident", incidentId)) {
      return attempts(ps);
    }
  }

  /** The channel's latest {@code limit} attempts, newest first. */
  public List<Attempt> ofChannel(Connection c, String channelId, int limit) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
                c, SELECT + " WHERE n.channel_id = :channel ORDER BY n.id DESC, a.attempt DESC LIMIT :limit")
            .text("channel", channelId)
            .integer("limit", Math.min(limit, MAX_ATTEMPTS))) {
      return attempts(ps);
    }
  }

  /**
   * The channels whose latest attempted notification failed or awaits a retry. One index probe
   * per channel (V21's {@code notification (channel_id, id)}), so it stays fast however long the
   * log is.
   */
  public List<Failing> failing(Connection c) throws SQLException {
    List<Failing> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(
                c,
                """
                SELECT ch.id, ch.name, last.state, coalesce(last.last_error, '') AS last_error, last.created_at
                FROM notify_channel ch
                CROSS JOIN LATERAL (
                    SELECT n.state, n.last_error, n.created_at FROM notification n
                    WHERE n.channel_id = ch.id AND n.attempts > 0 AND n.state <> 'cancelled'
                    ORDER BY n.id DESC LIMIT 1) last
                WHERE last.state <> 'delivered'
                ORDER BY lower(ch.name), ch.id
                """);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Failing(
                rs.getString("id"), rs.getString("name"), rs.getString("state"), rs.getString("last_error"),
                rs.getTimestamp("created_at").toInstant()));
      }
    }
    return out;
  }

  /** Logs a finished test notification and its one attempt; returns the notification's id. */
  public long recordTest(Connection c, Test t) throws SQLException {
    long id;
    try (NamedStatement ps =
            NamedStatement.prepare(
                    c,
                    """
                    INSERT INTO notification (dedup_key, channel_id, kind, payload, state, due_at, attempts, created_at,
                        delivered_at, last_error)
                    VALUES (:key, :channel, 'TEST', :payload::jsonb, :state, :at, 1, :at, :delivered, :error)
                    RETURNING id
                    """)
                .text("key", "test:" + UUID.randomUUID() + ":" + t.channelId())
                .text("channel", t.channelId())
                .text("payload", t.payloadJson())
                .text("state", t.delivered() ? "delivered" : "failed")
                .timestamp("at", t.at())
                .timestamp("delivered", t.delivered() ? t.at() : null)
                .text("error", t.delivered() ? null : t.detail());
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      id = rs.getLong(1);
    }
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            """
            INSERT INTO notification_attempt (notification_id, attempt, at, outcome, http_status, smtp_reply, latency_ms,
                next_retry_at, detail)
            VALUES (:id, 1, :at, :outcome, :status, :smtp, :latency, NULL, :detail)
            """)) {
      ps.bigint("id", id)
          .timestamp("at", t.at())
          .text("outcome", t.outcome())
          .integer("status", t.httpStatus().orElse(null))
          .text("smtp", t.smtpReply().orElse(null))
          .integer("latency", t.latencyMs())
          .text("detail", t.detail())
          .executeUpdate();
    }
    return id;
  }

  private static List<Attempt> attempts(NamedStatement ps) throws SQLException {
    List<Attempt> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        int status = rs.getInt("http_status");
        Optional<Integer> http = rs.wasNull() ? Optional.empty() : Optional.of(status);
        int latency = rs.getInt("latency_ms");
        Optional<Integer> ms = rs.wasNull() ? Optional.empty() : Optional.of(latency);
        out.add(
            new Attempt(
                rs.getLong("id"),
                rs.getString("channel_id"),
                rs.getString("channel_name"),
                rs.getString("channel_type"),
                rs.getString("kind"),
                rs.getLong("seq"),
                rs.getInt("attempt"),
                rs.getTimestamp("at").toInstant(),
                rs.getString("outcome"),
                http,
                Optional.ofNullable(rs.getString("smtp_reply")),
                ms,
                Optional.ofNullable(Jdbc.instant(rs, "next_retry_at")),
                rs.getString("detail")));
      }
    }
    return out;
  }
}
