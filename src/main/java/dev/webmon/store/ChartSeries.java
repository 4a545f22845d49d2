package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The response-time chart of one target: one point per bucket. Ranges up to {@link
 * TargetStats#RAW_LIMIT} are bucketed raw rows; longer ones read the hourly rollups as they are (a
 * plain index range scan) plus the raw rows of the hours after the last rolled-up one (at most
 * 48 h), so a 30-day chart never scans raw rows. Thread-safe.
 */
public final class ChartSeries {
  /** Aimed-at number of points of a raw chart. */
  static final int RAW_POINTS = 720;

  /** The longest chart range. */
  public static final Duration MAX_RANGE = Duration.ofDays(400);

  /** The chart windows offered by the UI, in order. */
  public static final Map<String, Duration> WINDOWS = windows();

  private static final String TARGET_SQL =
      "SELECT EXISTS (SELECT 1 FROM target WHERE id = :target) AS found,"
          + " ARRAY(SELECT location FROM target_status WHERE target_id = :target ORDER BY location) AS locations";

  private static final String ROLLUP_SQL =
      """
      SELECT hour, checks, up_checks, avg_dns_us, avg_connect_us, avg_tls_us, avg_ttfb_us, avg_transfer_us,
             avg_total_us, p95_total_us, max_total_us
      FROM check_rollup_hourly
      WHERE target_id = :target AND hour >= :from AND hour < :to AND (CAST(:location AS text) IS NULL OR location = :location)
      ORDER BY hour
      """;

  private static final String RAW_SQL =
      """
      SELECT extract(epoch FROM date_bin(make_interval(secs => :bucket), started_at, timestamptz '2000-01-01 00:00:00+00'))::bigint AS t,
             count(*) AS checks, count(*) FILTER (WHERE up) AS up_checks,
             avg(dns_us) AS dns, avg(connect_us) AS connect, avg(tls_us) AS tls, avg(ttfb_us) AS ttfb,
             avg(transfer_us) AS transfer, avg(total_us) AS avg_us,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY total_us) AS p95, max(total_us) AS max_us
      FROM check_result
      WHERE target_id = :target AND started_at >= :from AND started_at < :to AND (CAST(:location AS text) IS NULL OR location = :location)
      GROUP BY 1 ORDER BY 1
      """;

  /** The phases averaged per hour, in the order of the series' columns, as rollup columns. */
  private static final List<String> HOUR_MEANS =
      List.of("avg_dns_us", "avg_connect_us", "avg_tls_us", "avg_ttfb_us", "avg_transfer_us", "avg_total_us", "p95_total_us");

  private final DataSource dataSource;

  public ChartSeries(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  private static Map<String, Duration> windows() {
    Map<String, Duration> m = new LinkedHashMap<>();
    m.put("1h", Duration.ofHours(1));
    m.put("6h", Duration.ofHours(6));
    m.put("24h", Duration.ofHours(24));
    m.put("48h", Duration.ofHours(48));
    m.put("7d", Duration.ofDays(7));
    m.put("30d", Duration.ofDays(30));
    m.put("90d", Duration.ofDays(90));
    return Collections.unmodifiableMap(m);
  }

  /**
   * The chart of a target: one point per bucket, in columns (as chart code wants them). Times are
   * epoch seconds of the bucket start; durations are milliseconds (check-weighted means of the
   * phases; p95 is exact per raw bucket, a check-weighted mean of hourly p95s per hourly bucket).
   */
  public record Series(
      String targetId,
      Instant from,
      Instant to,
      String resolution,
      long bucketSeconds,
      List<String> locations,
      String location,
      List<Long> t,
      List<Long> checks,
      List<Long> up,
      List<Double> dnsMs,
      List<Double> connectMs,
      List<Double> tlsMs,
      List<Double> ttfbMs,
      List<Double> transferMs,
      List<Double> avgMs,
      List<Double> p95Ms,
      List<Double> maxMs) {}

  /**
   * The chart of a target over [from, to) for all its locations, or empty if there is no such target.
   *
   * @param from before {@code to}, at most {@link #MAX_RANGE} before it
   */
  public Optional<Series> series(String targetId, Instant from, Instant to) {
    return series(targetId, from, to, Optional.empty());
  }

  /** As {@link #series(String, Instant, Instant)}, for one location's results only. */
  public Optional<Series> series(String targetId, Instant from, Instant to, String location) {
    return series(targetId, from, to, Optional.of(location));
  }

  private Optional<Series> series(String targetId, Instant from, Instant to, Optional<String> location) {
    Duration range = Duration.between(from, to);
    if (range.isNegative() || range.isZero() || range.compareTo(MAX_RANGE) > 0) {
      throw new IllegalArgumentException("invalid chart range " + from + " to " + to);
    }
    boolean raw = range.compareTo(TargetStats.RAW_LIMIT) <= 0;
    long bucket = raw ? Math.max(10, ((range.toSeconds() / RAW_POINTS + 9) / 10) * 10) : 3600;
    return Jdbc.read(
        dataSource,
        c -> {
          List<String> locations = new ArrayList<>();
          try (NamedStatement ps = NamedStatement.prepare(c, TARGET_SQL).text("target", targetId);
              ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean("found")) {
              return Optional.empty();
            }
            locations.addAll(List.of((String[]) rs.getArray("locations").getArray()));
          }
          Columns cols = new Columns();
          Instant rawFrom = from;
          if (!raw) {
            rawFrom = rollups(c, targetId, from, to, location, cols);
          }
          rawBuckets(c, targetId, rawFrom, to, bucket, location, cols);
          return Optional.of(
              new Series(
                  targetId, from, to, raw ? "raw" : "hourly", bucket, locations, location.orElse(null), cols.t, cols.checks,
                  cols.up, cols.dns, cols.connect, cols.tls, cols.ttfb, cols.transfer, cols.avg, cols.p95, cols.max));
        });
  }

  /**
   * Adds the rollup hours in [from, to) to the columns, merging locations; returns where raw rows
   * take over: after the last rolled-up hour, but never more than {@link TargetStats#RAW_LIMIT} back.
   */
  private static Instant rollups(Connection c, String targetId, Instant from, Instant to, Optional<String> location, Columns cols)
      throws SQLException {
    Instant rawFrom = from;
    try (NamedStatement ps =
            NamedStatement.prepare(c, ROLLUP_SQL)
                .text("target", targetId)
                .timestamp("from", from)
                .timestamp("to", to)
                .text("location", location.orElse(null))
                .fetchSize(2000);
        ResultSet rs = ps.executeQuery()) {
      HourSum hour = null;
      while (rs.next()) {
        Instant h = rs.getTimestamp("hour").toInstant();
        if (hour != null && !hour.start.equals(h)) {
          hour.addTo(cols);
          hour = null;
        }
        if (hour == null) {
          hour = new HourSum(h);
        }
        hour.add(rs);
        rawFrom = h.plus(Duration.ofHours(1));
      }
      if (hour != null) {
        hour.addTo(cols);
      }
    }
    Instant floor = to.minus(TargetStats.RAW_LIMIT);
    return rawFrom.isBefore(floor) ? floor : rawFrom;
  }

  /** Adds raw rows in [from, to), bucketed, to the columns. */
  private static void rawBuckets(
      Connection c, String targetId, Instant from, Instant to, long bucket, Optional<String> location, Columns cols)
      throws SQLException {
    if (!from.isBefore(to)) {
      return;
    }
    try (NamedStatement ps =
            NamedStatement.prepare(c, RAW_SQL)
                .bigint("bucket", bucket)
                .text("target", targetId)
                .timestamp("from", from)
                .timestamp("to", to)
                .text("location", location.orElse(null));
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        cols.add(rs);
      }
    }
  }

  /** The rollup rows of one hour (one per location), merged: sums and check-weighted means. */
  private static final class HourSum {
    final Instant start;
    long checks;
    long up;
    final double[] weighted = new double[HOUR_MEANS.size()];
    long max;

    HourSum(Instant start) {
      this.start = start;
    }

    void add(ResultSet rs) throws SQLException {
      long n = rs.getLong("checks");
      checks += n;
      up += rs.getLong("up_checks");
      for (int k = 0; k < weighted.length; k++) {
        weighted[k] += rs.getDouble(HOUR_MEANS.get(k)) * n;
      }
      max = Math.max(max, rs.getLong("max_total_us"));
    }

    void addTo(Columns cols) {
      cols.t.add(start.getEpochSecond());
      cols.checks.add(checks);
      cols.up.add(up);
      List<List<Double>> means = List.of(cols.dns, cols.connect, cols.tls, cols.ttfb, cols.transfer, cols.avg, cols.p95);
      for (int k = 0; k < weighted.length; k++) {
        means.get(k).add(checks == 0 ? null : Math.round(weighted[k] / checks / 100.0) / 10.0);
      }
      cols.max.add(Math.round(max / 100.0) / 10.0);
    }
  }

  /** Column builders of a series. */
  private static final class Columns {
    final List<Long> t = new ArrayList<>();
    final List<Long> checks = new ArrayList<>();
    final List<Long> up = new ArrayList<>();
    final List<Double> dns = new ArrayList<>();
    final List<Double> connect = new ArrayList<>();
    final List<Double> tls = new ArrayList<>();
    final List<Double> ttfb = new ArrayList<>();
    final List<Double> transfer = new ArrayList<>();
    final List<Double> avg = new ArrayList<>();
    final List<Double> p95 = new ArrayList<>();
    final List<Double> max = new ArrayList<>();

    void add(ResultSet rs) throws SQLException {
      t.add(rs.getLong("t"));
      checks.add(rs.getLong("checks"));
      up.add(rs.getLong("up_checks"));
      dns.add(Figures.millis(rs, "dns"));
      connect.add(Figures.millis(rs, "connect"));
      tls.add(Figures.millis(rs, "tls"));
      ttfb.add(Figures.millis(rs, "ttfb"));
      transfer.add(Figures.millis(rs, "transfer"));
      avg.add(Figures.millis(rs, "avg_us"));
      p95.add(Figures.millis(rs, "p95"));
      max.add(Figures.millis(rs, "max_us"));
    }
  }
}
