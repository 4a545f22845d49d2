package dev.webmon.web;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/** Writes result rows the way the sink would (raw results, latest status, hourly rollups). */
final class TestData {
  private TestData() {}

  /** One raw result. */
  static void result(DataSource ds, String target, String location, Instant startedAt, boolean up, String reason, long totalUs)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, scheduled_at,
                    up, reason, status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes,
                    http_version, remote_address, detail)
                VALUES (?, ?, ?, 1, ?, 'agent-1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 512, 'HTTP/1.1', '93.184.215.14', ?)
                """)) {
      ps.setString(1, target);
      ps.setTimestamp(2, Timestamp.from(startedAt));
      ps.setObject(3, UUID.randomUUID());
      ps.setString(4, location);
      ps.setTimestamp(5, Timestamp.from(startedAt));
      ps.setBoolean(6, up);
      ps.setString(7, reason);
      if (up || "HTTP_STATUS".equals(reason)) {
        ps.setInt(8, up ? 200 : 503);
      } else {
        ps.setNull(8, java.sql.Types.SMALLINT);
      }
      ps.setLong(9, totalUs / 10);
      ps.setLong(10, totalUs / 10);
      ps.setLong(11, totalUs / 5);
      ps.setLong(12, totalUs / 2);
      ps.setLong(13, totalUs - totalUs / 10 * 2 - totalUs / 5 - totalUs / 2);
      ps.setLong(14, totalUs);
      ps.setString(15, up ? null : "timed out after 10 s");
      ps.executeUpdate();
    }
  }

  static void status(DataSource ds, String target, String location, Instant at, boolean up, String reason) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO target_status (target_id, location, result_id, started_at, up, reason, status_code, total_us, since)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1000, ?)
                ON CONFLICT (target_id, location) DO UPDATE SET started_at = EXCLUDED.started_at, up = EXCLUDED.up,
                    reason = EXCLUDED.reason, since = EXCLUDED.since
                """)) {
      ps.setString(1, target);
      ps.setString(2, location);
      ps.setObject(3, UUID.randomUUID());
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setBoolean(5, up);
      ps.setString(6, reason);
      ps.setObject(7, up ? 200 : null, java.sql.Types.SMALLINT);
      ps.setTimestamp(8, Timestamp.from(at));
      ps.executeUpdate();
    }
  }

  /** One hourly rollup row: {@code checks} checks of which {@code up} up, all phases scaled from avgUs. */
  static void rollup(DataSource ds, String target, String location, Instant hour, int checks, int up, long avgUs, long p95Us)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_rollup_hourly (target_id, location, hour, checks, up_checks, min_total_us, avg_total_us,
                    max_total_us, p50_total_us, p95_total_us, p99_total_us, avg_dns_us, avg_connect_us, avg_tls_us,
                    avg_ttfb_us, avg_transfer_us)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)) {
      ps.setString(1, target);
      ps.setString(2, location);
      ps.setTimestamp(3, Timestamp.from(hour));
      ps.setInt(4, checks);
      ps.setInt(5, up);
      ps.setLong(6, avgUs / 2);
      ps.setLong(7, avgUs);
      ps.setLong(8, p95Us * 2);
      ps.setLong(9, avgUs);
      ps.setLong(10, p95Us);
      ps.setLong(11, p95Us + p95Us / 2);
      ps.setLong(12, avgUs / 10);
      ps.setLong(13, avgUs / 10);
      ps.setLong(14, avgUs / 5);
      ps.setLong(15, avgUs / 2);
      ps.setLong(16, avgUs / 10);
      ps.executeUpdate();
    }
  }

  /** Rollup rows for every hour from {@code firstHour} to {@code lastHour} inclusive, all alike. */
  static void rollups(
      DataSource ds, String target, String location, Instant firstHour, Instant lastHour, int checks, int up, long avgUs, long p95Us)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_rollup_hourly (target_id, location, hour, checks, up_checks, min_total_us, avg_total_us,
                    max_total_us, p50_total_us, p95_total_us, p99_total_us, avg_dns_us, avg_connect_us, avg_tls_us,
                    avg_ttfb_us, avg_transfer_us)
                SELECT ?, ?, h, ?, ?, ? / 2, ?, ? * 2, ?, ?, ? * 3 / 2, ? / 10, ? / 10, ? / 5, ? / 2, ? / 10
                FROM generate_series(CAST(? AS timestamptz), CAST(? AS timestamptz), interval '1 hour') AS h
                """)) {
      int i = 1;
      ps.setString(i++, target);
      ps.setString(i++, location);
      ps.setInt(i++, checks);
      ps.setInt(i++, up);
      ps.setLong(i++, avgUs);
      ps.setLong(i++, avgUs);
      ps.setLong(i++, p95Us);
      ps.setLong(i++, avgUs);
      ps.setLong(i++, p95Us);
      ps.setLong(i++, p95Us);
      for (int k = 0; k < 5; k++) {
        ps.setLong(i++, avgUs);
      }
      ps.setTimestamp(i++, Timestamp.from(firstHour));
      ps.setTimestamp(i++, Timestamp.from(lastHour));
      ps.executeUpdate();
    }
  }

  /** PostgreSQL's percentile_cont over the values. */
  static double percentileCont(long[] sorted, double p) {
    double pos = p * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = (int) Math.ceil(pos);
    return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
  }
}
