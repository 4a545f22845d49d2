package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hourly rollups ({@code check_rollup_hourly}), how far they are done ({@code
 * maintenance_state}) and the hours marked for a recompute by late rows ({@code
 * check_rollup_dirty}). On the caller's connection and transaction. Stateless.
 */
public final class Rollups {
  /** The job name in {@code maintenance_state}. */
  public static final String JOB = "rollup_hourly";

  private static final String ROLL_UP =
      """
      INSERT INTO check_rollup_hourly AS r
          (target_id, location, hour, checks, up_checks,
           min_total_us, avg_total_us, max_total_us, p50_total_us, p95_total_us, p99_total_us,
           avg_dns_us, avg_connect_us, avg_tls_us, avg_ttfb_us, avg_transfer_us,
           maintenance_checks, maintenance_up_checks)
      SELECT target_id, location, date_trunc('hour', started_at, 'UTC'),
             count(*), count(*) FILTER (WHERE up),
             min(total_us), round(avg(total_us))::bigint, max(total_us),
             percentile_disc(0.50) WITHIN GROUP (ORDER BY total_us),
             percentile_disc(0.95) WITHIN GROUP (ORDER BY total_us),
             percentile_disc(0.99) WITHIN GROUP (ORDER BY total_us),
             round(avg(dns_us))::bigint, round(avg(connect_us))::bigint, round(avg(tls_us))::bigint,
             round(avg(ttfb_us))::bigint, round(avg(transfer_us))::bigint,
             count(*) FILTER (WHERE maintenance), count(*) FILTER (WHERE maintenance AND up)
      FROM check_result
      WHERE started_at >= :from AND started_at < :to
      GROUP BY 1, 2, 3
      ON CONFLICT (target_id, hour, location) DO UPDATE SET
          checks = EXCLUDED.checks, up_checks = EXCLUDED.up_checks,
          min_total_us = EXCLUDED.min_total_us, avg_total_us = EXCLUDED.avg_total_us,
          max_total_us = EXCLUDED.max_total_us, p50_total_us = EXCLUDED.p50_total_us,
          p95_total_us = EXCLUDED.p95_total_us, p99_total_us = EXCLUDED.p99_total_us,
          avg_dns_us = EXCLUDED.avg_dns_us, avg_connect_us = EXCLUDED.avg_connect_us,
          avg_tls_us = EXCLUDED.avg_tls_us, avg_ttfb_us = EXCLUDED.avg_ttfb_us,
          avg_transfer_us = EXCLUDED.avg_transfer_us,
          maintenance_checks = EXCLUDED.maintenance_checks, maintenance_up_checks = EXCLUDED.maintenance_up_checks
      """;

  private Rollups() {}

  /** Computes (or recomputes) the rollups of the hours in [from, to). Idempotent. */
  public static void rollUp(Connection c, Instant from, Instant to) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, ROLL_UP).timestamp("from", from).timestamp("to", to)) {
      ps.executeUpdate();
    }
    DailyUptime.refresh(c, from, to); // the status pages' days follow their hours, in the same transaction
  }

  /** Until when every hour is rolled up, if the job ever ran. */
  public static Optional<Instant> doneUntil(Connection c) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT done_until FROM maintenance_state WHERE job = :job").text("job", JOB);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(rs.getTimestamp("done_until").toInstant()) : Optional.empty();
    }
  }

  /** Records that every hour before {@code until} is rolled up. */
  public static void setDoneUntil(Connection c, Instant until) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            "INSERT INTO maintenance_state (job, done_until, updated_at) VALUES (:job, :until, now()) "
                + "ON CONFLICT (job) DO UPDATE SET done_until = EXCLUDED.done_until, updated_at = now()")) {
      ps.text("job", JOB).timestamp("until", until).executeUpdate();
    }
  }

  /**
   * Marks the given hours (epoch seconds of their start) for a recompute, those that ended at
   * least {@code margin} ago by PostgreSQL's clock.
   */
  public static void markDirty(Connection c, List<Long> hours, Duration margin) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(
            c,
            "INSERT INTO check_rollup_dirty (hour) SELECT to_timestamp(h) FROM unnest(:hours::int8[]) AS h "
                + "WHERE to_timestamp(h) + interval '1 hour' + :margin * interval '1 second' <= now() "
                + "ON CONFLICT (hour) DO NOTHING")) {
      ps.array("hours", "int8", hours.toArray()).bigint("margin", margin.toSeconds()).executeUpdate();
    }
  }

  /** The earliest marked hours before {@code before}, at most {@code limit}. */
  public static List<Instant> dirtyHours(Connection c, Instant before, int limit) throws SQLException {
    List<Instant> dirty = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT hour FROM check_rollup_dirty WHERE hour < :before ORDER BY hour LIMIT :limit")
                .timestamp("before", before)
                .integer("limit", limit);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        dirty.add(rs.getTimestamp("hour").toInstant());
      }
    }
    return dirty;
  }

  /** Removes the mark of one hour. */
  public static void clearDirty(Connection c, Instant hour) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "DELETE FROM check_rollup_dirty WHERE hour = :hour").timestamp("hour", hour)) {
      ps.executeUpdate();
    }
  }

  /** Removes the marks of hours before {@code before} (their raw rows are gone). */
  public static void clearDirtyBefore(Connection c, Instant before) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM check_rollup_dirty WHERE hour < :before").timestamp("before", before)) {
      ps.executeUpdate();
    }
  }

  /** Deletes the rollups of hours before {@code before}; returns how many. */
  public static long deleteBefore(Connection c, Instant before) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM check_rollup_hourly WHERE hour < :before").timestamp("before", before)) {
      return ps.executeUpdate();
    }
  }
}
