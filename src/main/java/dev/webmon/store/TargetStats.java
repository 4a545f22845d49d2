package dev.webmon.store;

import dev.webmon.event.Outcome;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Stats of one target over a window, per location and over all: checks, uptime (over all also
 * excluding the checks flagged maintenance), response-time
 * percentiles, current status, and the DOWN reasons of the last 24 hours. Windows up to {@link
 * #RAW_LIMIT} read raw rows (exact percentiles); longer ones read {@code webmon_hourly} (rollups
 * plus the raw rows of the hours not rolled up yet), whose percentiles are check-weighted means of
 * hourly ones. Thread-safe.
 */
public final class TargetStats {
  /** The longest range read from raw rows (also by {@link ChartSeries}). */
  public static final Duration RAW_LIMIT = Duration.ofHours(48);

  /** The windows, by name. */
  public static final Map<String, Duration> WINDOWS =
      Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

  private static final String RAW_SQL =
      """
      SELECT coalesce(location, 'all') AS loc, grouping(location) AS g, count(*) AS checks,
             count(*) FILTER (WHERE up) AS up_checks, avg(total_us) AS avg_us,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY total_us) AS p50,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY total_us) AS p95,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY total_us) AS p99, max(total_us) AS max_us,
             count(*) FILTER (WHERE maintenance) AS maintenance_checks,
             count(*) FILTER (WHERE maintenance AND up) AS maintenance_up_checks
      FROM check_result WHERE target_id = :target AND started_at >= :from AND started_at < :to
      GROUP BY GROUPING SETS ((location), ())
      """;

  private static final String HOURLY_SQL =
      """
      SELECT coalesce(location, 'all') AS loc, grouping(location) AS g, sum(checks) AS checks,
             sum(up_checks) AS up_checks, sum(avg_total_us * checks) / nullif(sum(checks), 0) AS avg_us,
             sum(p50_total_us * checks) / nullif(sum(checks), 0) AS p50,
             sum(p95_total_us * checks) / nullif(sum(checks), 0) AS p95,
             sum(p99_total_us * checks) / nullif(sum(checks), 0) AS p99, max(max_total_us) AS max_us,
             sum(maintenance_checks) AS maintenance_checks, sum(maintenance_up_checks) AS maintenance_up_checks
      FROM webmon_hourly(:target, :from, :to)
      GROUP BY GROUPING SETS ((location), ())
      """;

  private static final String CURRENT_SQL =
      "SELECT location, up, started_at, reason FROM target_status WHERE target_id = :target ORDER BY location";

  private static final String REASONS_SQL =
      """
      SELECT reason, count(*) FROM check_result
      WHERE target_id = :target AND started_at >= :from AND started_at < :to AND NOT up
      GROUP BY reason ORDER BY count(*) DESC, reason
      """;

  private final DataSource dataSource;
  private final Clock clock;

  public TargetStats(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  /** Response times in milliseconds; null without data. */
  public record Latency(Double avg, Double p50, Double p95, Double p99, Double max) {
    static final Latency NONE = new Latency(null, null, null, null, null);

    static Latency of(ResultSet rs) throws SQLException {
      return new Latency(
          Figures.millis(rs, "avg_us"),
          Figures.millis(rs, "p50"),
          Figures.millis(rs, "p95"),
          Figures.millis(rs, "p99"),
          Figures.millis(rs, "max_us"));
    }
  }

  /** Figures of one location, or of all ({@code location} "all"). */
  public record LocationStats(
      String location,
      long checks,
      long up,
      long down,
      Double uptimePercent,
      Latency responseMs,
      String currentStatus,
      Instant lastCheckAt,
      String lastReason) {}

  /**
   * Stats of a target over a window.
   *
   * @param exact whether percentiles come from raw rows (true) or are check-weighted means of
   *     hourly percentiles (false, long windows)
   * @param recentDownReasons DOWN results by reason over the last 24 hours (raw)
   * @param maintenanceChecks the checks flagged maintenance, of {@code checks}
   * @param uptimeExcludingMaintenancePercent the uptime of the checks not flagged maintenance;
   *     null without such checks
   */
  public record Stats(
      String targetId,
      String window,
      Instant from,
      Instant to,
      boolean exact,
      long checks,
      long up,
      long down,
      Double uptimePercent,
      long maintenanceChecks,
      Double uptimeExcludingMaintenancePercent,
      Latency responseMs,
      Map<String, Long> outcomes,
      Map<String, Long> recentDownReasons,
      List<LocationStats> locations) {}

  /** The latest result of a location (a row of {@code target_status}). */
  private record Current(String status, Instant at, String reason) {
    static final Current NONE = new Current("UNKNOWN", null, null);

    static Current of(ResultSet rs) throws SQLException {
      return new Current((rs.getBoolean("up") ? Outcome.UP : Outcome.DOWN).name(), rs.getTimestamp("started_at").toInstant(), rs.getString("reason"));
    }
  }

  /**
   * Stats of a target over the window ending now.
   *
   * @param window a key of {@link #WINDOWS}
   */
  public Stats stats(String targetId, String window) {
    Duration length = WINDOWS.get(window);
    if (length == null) {
      throw new IllegalArgumentException("no stats window " + window);
    }
    Instant to = clock.instant();
    Instant from = to.minus(length);
    boolean raw = length.compareTo(RAW_LIMIT) <= 0;
    return Jdbc.read(
        dataSource,
        c -> {
          Map<String, Current> current = current(c, targetId);
          Map<String, LocationStats> byLocation = new LinkedHashMap<>();
          LocationStats all = new LocationStats("all", 0, 0, 0, null, Latency.NONE, null, null, null);
          long maintenance = 0;
          Double excludingMaintenance = null;
          try (NamedStatement ps =
                  NamedStatement.prepare(c, raw ? RAW_SQL : HOURLY_SQL)
                      .text("target", targetId)
                      .timestamp("from", from)
                      .timestamp("to", to);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              long checks = rs.getLong("checks");
              long up = rs.getLong("up_checks");
              Latency latency = Latency.of(rs);
              Double uptime = Figures.percent(rs, "up_checks", "checks");
              String loc = rs.getString("loc");
              if (rs.getInt("g") == 1) {
                all = new LocationStats("all", checks, up, checks - up, uptime, latency, null, null, null);
                maintenance = rs.getLong("maintenance_checks");
                excludingMaintenance = Figures.percent(up - rs.getLong("maintenance_up_checks"), checks - maintenance);
              } else {
                Current cur = current.getOrDefault(loc, Current.NONE);
                byLocation.put(
                    loc, new LocationStats(loc, checks, up, checks - up, uptime, latency, cur.status(), cur.at(), cur.reason()));
              }
            }
          }
          // Locations with a current status but no results in the window still show.
          for (Map.Entry<String, Current> e : current.entrySet()) {
            Current cur = e.getValue();
            byLocation.computeIfAbsent(
                e.getKey(), loc -> new LocationStats(loc, 0, 0, 0, null, Latency.NONE, cur.status(), cur.at(), cur.reason()));
          }
          Map<String, Long> reasons = downReasons(c, targetId, to.minus(Duration.ofHours(24)), to);
          Map<String, Long> outcomes = new LinkedHashMap<>();
          outcomes.put(Outcome.UP.name(), all.up());
          outcomes.put(Outcome.DOWN.name(), all.down());
          return new Stats(
              targetId, window, from, to, raw, all.checks(), all.up(), all.down(), all.uptimePercent(),
              maintenance, excludingMaintenance, all.responseMs(), outcomes, reasons, List.copyOf(byLocation.values()));
        });
  }

  private static Map<String, Current> current(Connection c, String targetId) throws SQLException {
    Map<String, Current> current = new LinkedHashMap<>();
    try (NamedStatement ps = NamedStatement.prepare(c, CURRENT_SQL).text("target", targetId);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        current.put(rs.getString("location"), Current.of(rs));
      }
    }
    return current;
  }

  private static Map<String, Long> downReasons(Connection c, String targetId, Instant from, Instant to) throws SQLException {
    Map<String, Long> reasons = new LinkedHashMap<>();
    try (NamedStatement ps =
            NamedStatement.prepare(c, REASONS_SQL).text("target", targetId).timestamp("from", from).timestamp("to", to);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        String reason = rs.getString("reason");
        reasons.put(reason == null ? "UNKNOWN" : reason, rs.getLong("count"));
      }
    }
    return reasons;
  }
}
