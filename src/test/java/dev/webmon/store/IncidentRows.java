package dev.webmon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;

/**
 * Writes incident rows the way the sink would (it is another branch's work): an {@code incident}
 * row with its latest state, its {@code incident_event} transitions, and the check results they
 * name. For the web's read tests.
 */
public final class IncidentRows {
  private IncidentRows() {}

  /** A result id as the agent makes it: UUIDv7 carrying the start millisecond. */
  public static UUID resultId(Instant startedAt) {
    long msb = (startedAt.toEpochMilli() << 16) | 0x7000L | (ThreadLocalRandom.current().nextLong() & 0x0fffL);
    long lsb = (ThreadLocalRandom.current().nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** {@code [{location, state, reason, sinceResultId}]} of location/state/reason/result quadruples (reason, result may be null). */
  public static String locations(Object... quads) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < quads.length; i += 4) {
      sb.append(i == 0 ? "" : ",").append("{\"location\":\"").append(quads[i]).append("\",\"state\":\"").append(quads[i + 1]).append('"');
      if (quads[i + 2] != null) {
        sb.append(",\"reason\":\"").append(quads[i + 2]).append('"');
      }
      if (quads[i + 3] != null) {
        sb.append(",\"sinceResultId\":\"").append(quads[i + 3]).append('"');
      }
      sb.append('}');
    }
    return sb.append(']').toString();
  }

  /**
   * One incident row; acknowledged ones get {@code acknowledged_at} (opened + 1 min) and {@code
   * acknowledged_by}, resolved ones {@code resolved_at} (or null to leave it open).
   */
  public static void incident(
      DataSource ds, UUID id, String target, String severity, String state, Instant openedAt, Instant resolvedAt, UUID cause,
      String locations) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO incident (id, target_id, target_name, lane, state, severity, opened_at, acknowledged_at,
                    acknowledged_by, ack_note, resolved_at, last_seq, updated_at, cause_result_id, policy, locations)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, 'default', ?::jsonb)
                """)) {
      boolean acked = state.equals("acknowledged");
      ps.setObject(1, id);
      ps.setString(2, target);
      ps.setString(3, "Name of " + target);
      ps.setString(4, severity.equals("certificate") ? "certificate" : "availability");
      ps.setString(5, state);
      ps.setString(6, severity);
      ps.setTimestamp(7, Timestamp.from(openedAt));
      ps.setTimestamp(8, acked ? Timestamp.from(openedAt.plusSeconds(60)) : null);
      ps.setString(9, acked ? "admin" : null);
      ps.setString(10, acked ? "on it" : null);
      ps.setTimestamp(11, resolvedAt == null ? null : Timestamp.from(resolvedAt));
      ps.setTimestamp(12, Timestamp.from(resolvedAt == null ? openedAt : resolvedAt));
      ps.setObject(13, cause);
      ps.setString(14, locations);
      ps.executeUpdate();
    }
  }

  /** One transition of an incident. */
  public static void event(
      DataSource ds, UUID incident, long seq, String kind, String severity, Instant at, String locations, String note)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO incident_event (incident_id, seq, kind, severity, at, locations, note, quorum, reporting)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, 2, 3)
                """)) {
      ps.setObject(1, incident);
      ps.setLong(2, seq);
      ps.setString(3, kind);
      ps.setString(4, severity);
      ps.setTimestamp(5, Timestamp.from(at));
      ps.setString(6, locations);
      ps.setString(7, note);
      ps.executeUpdate();
    }
  }

  /** One raw check result with the given id. */
  public static void result(DataSource ds, String target, String location, Instant startedAt, UUID id, boolean up, String reason)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, scheduled_at,
                    up, reason, status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, detail)
                VALUES (?, ?, ?, 1, ?, 'agent-1', ?, ?, ?, ?, 1000, 1000, 1000, 1000, 1000, 5000, 100, ?)
                """)) {
      ps.setString(1, target);
      ps.setTimestamp(2, Timestamp.from(startedAt));
      ps.setObject(3, id);
      ps.setString(4, location);
      ps.setTimestamp(5, Timestamp.from(startedAt));
      ps.setBoolean(6, up);
      ps.setString(7, reason);
      ps.setObject(8, up ? 200 : 503, java.sql.Types.SMALLINT);
      ps.setString(9, up ? null : "HTTP 503 from " + location);
      ps.executeUpdate();
    }
  }
}
