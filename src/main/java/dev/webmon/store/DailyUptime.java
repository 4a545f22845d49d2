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
 * a page never aggregates 90 days of hourly rows). Days older than the day before yesterday come
 * from this table; the last two days from {@code webmon_hourly} (rollups plus raw rows of the hours
 * not rolled up yet), so the newest cells and the 24 h figure are current. Every tally also counts
 * the checks flagged maintenance (V23), for uptime excluding maintenance. Stateless.
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

  private static final String READ =
      """
      SELECT d.target_id, d.day::text AS day, d.checks, d.up_checks, d.total_us_sum,
             d.maintenance_checks, d.maintenance_up_checks
      FROM check_uptime_daily d
      WHERE d.target_id = ANY(:targets) AND d.day >= CAST(:fromDay AS date) AND d.day < CAST(:recentDay AS date)
      UNION ALL
      SELECT t.target_id, ((h.hour AT TIME ZONE 'UTC')::date)::text, sum(h.checks), sum(h.up_checks),
             sum(h.avg_total_us * h.checks), sum(h.maintenance_checks), sum(h.maintenance_up_checks)
      FROM unnest(:targets::text[]) AS t (target_id),
           LATERAL webmon_hourly(t.target_id, :recentStart, :now) h
      GROUP BY 1, 2
      """;

  private static final String LAST_24H =
      """
      SELECT t.target_id, coalesce(sum(h.checks), 0) AS checks, coalesce(sum(h.up_checks), 0) AS up_checks,
             coalesce(sum(h.avg_total_us * h.checks), 0) AS total_us_sum,
             coalesce(sum(h.maintenance_checks), 0) AS maintenance_checks,
             coalesce(sum(h.maintenance_up_checks), 0) AS maintenance_up_checks
      FROM unnest(:targets::text[]) AS t (target_id)
      LEFT JOIN LATERAL webmon_hourly(t.target_id, :from, :now) h ON true
      GROUP BY 1
      """;

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

    static Tally of(ResultSet rs, String targetId, LocalDate day) throws SQLException {
      return new Tally(
          targetId, day, rs.getLong("checks"), rs.getLong("up_checks"), rs.getDouble("total_us_sum"),
          rs.getLong("maintenance_checks"), rs.getLong("maintenance_up_checks"));
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

  /** Per target and UTC day, the checks of the {@code days} days up to {@code now} (days without checks are absent). */
  public static List<Tally> days(Connection c, List<String> targets, int days, Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate recentDay = today.minusDays(RECENT_DAYS - 1L);
    List<Tally> out = new ArrayList<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, READ)
                .array("targets", "text", targets.toArray())
                .text("fromDay", today.minusDays(days - 1L).toString())
                .text("recentDay", recentDay.toString())
                .timestamp("recentStart", recentDay.atStartOfDay(ZoneOffset.UTC).toInstant())
                .timestamp("now", now);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Tally.of(rs, rs.getString("target_id"), LocalDate.parse(rs.getString("day"))));
      }
    }
    return out;
  }

  /** Per target, the checks of the last 24 hours up to {@code now} ({@code day} is today's). */
  public static List<Tally> last24Hours(Connection c, List<String> targets, Instant now) throws SQLException {
    List<Tally> out = new ArrayList<>();
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    try (NamedStatement ps =
            NamedStatement.prepare(c, LAST_24H)
                .array("targets", "text", targets.toArray())
                .timestamp("from", now.minus(Duration.ofHours(24)))
                .timestamp("now", now);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(Tally.of(rs, rs.getString("target_id"), today));
      }
    }
    return out;
  }
}
