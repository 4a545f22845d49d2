package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The uptime of targets per UTC day ({@code check_uptime_daily}, migration V18) for the status
 * pages. The sink keeps it: {@link Rollups#rollUp} refreshes the days of the hours it rolls up, in
 * its transaction, from {@code check_rollup_hourly} (so a re-rolled dirty hour corrects its day and
 * a page never aggregates 90 days of hourly rows). Days older than yesterday come from this
 * table; yesterday, today and the last 24 hours as {@code webmon_hourly} gives them (rollups plus
 * raw rows of the hours not rolled up yet), so the newest cells and the 24 h figure are current;
 * all of it in one statement ({@link #read}). Every tally also counts the checks flagged
 * maintenance (V23), for uptime excluding maintenance. Stateless.
 */
public final class DailyUptime {
  /** Days read from the hourly figures rather than the daily table (today and yesterday). */
  static final int RECENT_DAYS = 2;

  private static final String REFRESH =
      """
      INSERT INTO check_uptime_daily AS d
          (target_id, day, checks, up_checks, total_us_sum, maintenance_checks, maintenance_up_checks)
      SELECT r.target_id, (r.hour AT TIME ZONE 'UTC')::date, sum(r.checks), sum(r.up_checks),
             sum(r.avg_total_us::double precision * r.checks), sum(r.maintenance_checks), sum(r.maintenance_up_checks)
      FROM check_rollup_hourly r
      WHERE r.hour >= :dayFrom AND r.hour < :dayTo
        AND r.target_id IN (SELECT DISTINCT h.target_id FROM check_rollup_hourly h WHERE h.hour >= :from AND h.hour < :to)
      GROUP BY 1, 2
      ON CONFLICT (target_id, day) DO UPDATE SET
          checks = EXCLUDED.checks, up_checks = EXCLUDED.up_checks, total_us_sum = EXCLUDED.total_us_sum,
          maintenance_checks = EXCLUDED.maintenance_checks, maintenance_up_checks = EXCLUDED.maintenance_up_checks
      """;

  /**
   * Days and the last 24 hours in one statement, as {@code webmon_hourly} would give them (rolled-up
   * hours before the first hour not rolled up yet, raw rows from there; per hour and location the
   * mean response time times the checks), without its percentiles and phase means, which the pages
   * never show: {@code b} finds each target's newest rolled-up hour of the recent days once for
   * both windows, and the raw rows are read once with a filter per window. {@code %1$s} is the
   * targets' ids, a {@code text[]} expression.
   */
  static final String READ =
      """
      WITH t AS MATERIALIZED (
          SELECT u.target_id,
                 (SELECT max(r.hour) FROM check_rollup_hourly r
                  WHERE r.target_id = u.target_id AND r.hour >= :recentStart AND r.hour < :now) AS last_hour
          FROM unnest(%1$s) AS u (target_id)
      ), b AS MATERIALIZED (
          SELECT t.target_id,
                 coalesce(t.last_hour + interval '1 hour', CAST(:recentStart AS timestamptz)) AS raw_days,
                 CASE WHEN t.last_hour >= CAST(:from24 AS timestamptz) THEN t.last_hour + interval '1 hour'
                      ELSE CAST(:from24 AS timestamptz) END AS raw_24h
          FROM t
      ), rolled AS MATERIALIZED (
          SELECT r.target_id, (r.hour AT TIME ZONE 'UTC')::date AS day, r.hour >= :from24 AND r.hour < b.raw_24h AS in_24h,
                 sum(r.checks)::bigint AS checks, sum(r.up_checks)::bigint AS up_checks,
                 sum(r.avg_total_us::double precision * r.checks) AS total_us_sum,
                 sum(r.maintenance_checks)::bigint AS maintenance_checks, sum(r.maintenance_up_checks)::bigint AS maintenance_up_checks
          FROM b JOIN check_rollup_hourly r ON r.target_id = b.target_id AND r.hour >= :recentStart AND r.hour < b.raw_days
          GROUP BY 1, 2, 3
      ), raw AS MATERIALIZED (
          SELECT c.target_id, (date_bin('1 hour', c.started_at, timestamptz '2000-01-01 00:00:00+00') AT TIME ZONE 'UTC')::date AS day,
                 count(*) FILTER (WHERE c.started_at >= b.raw_days) AS checks,
                 count(*) FILTER (WHERE c.started_at >= b.raw_days AND c.up) AS up_checks,
                 (avg(c.total_us) FILTER (WHERE c.started_at >= b.raw_days))::double precision
                     * count(*) FILTER (WHERE c.started_at >= b.raw_days) AS total_us_sum,
                 count(*) FILTER (WHERE c.started_at >= b.raw_days AND c.maintenance) AS maintenance_checks,
                 count(*) FILTER (WHERE c.started_at >= b.raw_days AND c.maintenance AND c.up) AS maintenance_up_checks,
                 count(*) FILTER (WHERE c.started_at >= b.raw_24h) AS checks_24h,
                 count(*) FILTER (WHERE c.started_at >= b.raw_24h AND c.up) AS up_checks_24h,
                 (avg(c.total_us) FILTER (WHERE c.started_at >= b.raw_24h))::double precision
                     * count(*) FILTER (WHERE c.started_at >= b.raw_24h) AS total_us_sum_24h,
                 count(*) FILTER (WHERE c.started_at >= b.raw_24h AND c.maintenance) AS maintenance_checks_24h,
                 count(*) FILTER (WHERE c.started_at >= b.raw_24h AND c.maintenance AND c.up) AS maintenance_up_checks_24h
          FROM b JOIN check_result c
              ON c.target_id = b.target_id AND c.started_at >= least(b.raw_days, b.raw_24h) AND c.started_at < :now
                 AND c.started_at >= :recentStart -- implied (both windows start after it): prunes the partitions when planned
          -- per hour and location, as webmon_hourly (the mean response time of each times its checks)
          GROUP BY c.target_id, b.raw_days, b.raw_24h, date_bin('1 hour', c.started_at, timestamptz '2000-01-01 00:00:00+00'), c.location
      )
      SELECT false AS last_24h, d.target_id, d.day, d.checks, d.up_checks, d.total_us_sum,
             d.maintenance_checks, d.maintenance_up_checks
      FROM check_uptime_daily d
      WHERE d.target_id = ANY(%1$s) AND d.day >= CAST(:fromDay AS date) AND d.day < CAST(:recentDay AS date)
      UNION ALL
      SELECT false, h.target_id, h.day, sum(h.checks)::bigint, sum(h.up_checks)::bigint, sum(h.total_us_sum),
             sum(h.maintenance_checks)::bigint, sum(h.maintenance_up_checks)::bigint
      FROM (SELECT target_id, day, checks, up_checks, total_us_sum, maintenance_checks, maintenance_up_checks FROM rolled
            UNION ALL
            SELECT target_id, day, checks, up_checks, total_us_sum, maintenance_checks, maintenance_up_checks FROM raw
            WHERE checks > 0) h
      GROUP BY 2, 3
      UNION ALL
      SELECT true, b.target_id, NULL, coalesce(sum(h.checks), 0)::bigint, coalesce(sum(h.up_checks), 0)::bigint,
             coalesce(sum(h.total_us_sum), 0), coalesce(sum(h.maintenance_checks), 0)::bigint,
             coalesce(sum(h.maintenance_up_checks), 0)::bigint
      FROM b LEFT JOIN (
          SELECT target_id, checks, up_checks, total_us_sum, maintenance_checks, maintenance_up_checks FROM rolled WHERE in_24h
          UNION ALL
          SELECT target_id, checks_24h, up_checks_24h, total_us_sum_24h, maintenance_checks_24h, maintenance_up_checks_24h FROM raw
          WHERE checks_24h > 0) h ON h.target_id = b.target_id
      GROUP BY 2
      """;

  private static final String READ_TARGETS = READ.formatted(":targets::text[]");

  private DailyUptime() {}

  /**
   * The checks of one target over a day or a window; {@code totalUsSum / checks} is the mean
   * response time. {@code maintenanceChecks} of the {@code checks} were flagged maintenance, {@code
   * maintenanceUpChecks} of those were up: excluding maintenance, the target had {@link
   * #checksExcludingMaintenance()} checks of which {@link #upChecksExcludingMaintenance()} up.
   */
  public record Tally(
      String targetId, LocalDate day, long checks, long upChecks, double totalUsSum, long maintenanceChecks,
      long maintenanceUpChecks) {
    /** The checks not flagged maintenance. */
    public long checksExcludingMaintenance() {
      return checks - maintenanceChecks;
    }

    /** The up checks not flagged maintenance. */
    public long upChecksExcludingMaintenance() {
      return upChecks - maintenanceUpChecks;
    }
  }

  /** Recomputes the UTC days touched by the hours in [from, to), for the targets with rollups there. */
  static void refresh(Connection c, Instant from, Instant to) throws SQLException {
    Instant dayFrom = from.truncatedTo(ChronoUnit.DAYS);
    Instant dayTo = to.minusNanos(1).truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
    try (NamedStatement ps =
        NamedStatement.prepare(c, REFRESH)
            .timestamp("dayFrom", dayFrom)
            .timestamp("dayTo", dayTo)
            .timestamp("from", from)
            .timestamp("to", to)) {
      ps.executeUpdate();
    }
  }

  /**
   * The figures of a status page's targets: per target and UTC day the checks of the {@code days}
   * days up to {@code now} (days without checks are absent), and per target the checks of the last
   * 24 hours up to {@code now} (every target, {@code day} is today's).
   */
  public record Uptime(List<Tally> days, List<Tally> last24Hours) {
    public Uptime {
      days = List.copyOf(days);
      last24Hours = List.copyOf(last24Hours);
    }
  }

  /** Both figures of {@link Uptime} in one round trip. */
  public static Uptime read(Connection c, List<String> targets, int days, Instant now) throws SQLException {
    try (NamedStatement ps = bindRead(NamedStatement.prepare(c, READ_TARGETS), days, now).array("targets", "text", targets.toArray());
        ResultSet rs = ps.executeQuery()) {
      return read(rs, now);
    }
  }

  /** Binds the parameters of {@link #READ} but its targets, each with its type ({@link StatusPageReads} stays one round trip). */
  static NamedStatement bindRead(NamedStatement ps, int days, Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate recentDay = today.minusDays(RECENT_DAYS - 1L);
    return ps.text("fromDay", today.minusDays(days - 1L).toString())
        .text("recentDay", recentDay.toString())
        .timestamptz("recentStart", recentDay.atStartOfDay(ZoneOffset.UTC).toInstant())
        .timestamptz("from24", now.minus(Duration.ofHours(24)))
        .timestamptz("now", now);
  }

  /** The rows of {@link #READ} bound for {@code now}. */
  static Uptime read(ResultSet rs, Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<Tally> byDay = new ArrayList<>();
    List<Tally> last24 = new ArrayList<>();
    while (rs.next()) {
      // by position: a page reads ~4 500 rows (90 days × 50 targets)
      String target = rs.getString(2);
      Tally t = new Tally(target, rs.getBoolean(1) ? today : rs.getObject(3, LocalDate.class), rs.getLong(4), rs.getLong(5),
          rs.getDouble(6), rs.getLong(7), rs.getLong(8));
      (rs.getBoolean(1) ? last24 : byDay).add(t);
    }
    return new Uptime(byDay, last24);
  }
}
