package dev.webmon.web;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Reads check results for one target: raw results page by page, stats over a window and the
 * chart series. Windows up to {@link #RAW_LIMIT} read raw rows; longer ones read the hourly
 * rollups plus the raw rows of the hours not rolled up yet (function {@code webmon_hourly}), so a
 * 30-day chart never scans raw rows. All SQL is parameterised. Thread-safe.
 */
final class ResultQueries {
  /** The longest range read from raw rows. */
  static final Duration RAW_LIMIT = Duration.ofHours(48);

  /** Aimed-at number of points of a raw chart. */
  static final int RAW_POINTS = 720;

  static final int MAX_RESULTS_PAGE = 1000;

  private final DataSource dataSource;
  private final Clock clock;

  ResultQueries(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  Instant now() {
    return clock.instant();
  }

  // ---------------------------------------------------------------- raw results

  /** One raw check result. Times in microseconds as measured. */
  record ResultItem(
      UUID resultId,
      Instant startedAt,
      Instant scheduledAt,
      String location,
      String agentId,
      String outcome,
      String reason,
      Integer statusCode,
      Map<String, Long> timingsMicros,
      double totalMs,
      long bodyBytes,
      String httpVersion,
      String remoteAddress,
      Instant tlsExpiresAt,
      int redirects,
      String finalUrl,
      String detail,
      long targetVersion) {}

  /** A page of results, newest first; {@code nextCursor} fetches the following (older) page. */
  record ResultPage(List<ResultItem> items, Instant from, Instant to, String nextCursor) {}

  /**
   * Results of a target with {@code from <= startedAt < to}, newest first.
   *
   * @param cursor from a previous page's {@code nextCursor}
   * @param outcome "UP" or "DOWN" to keep only those
   */
  ResultPage results(
      String targetId, Instant from, Instant to, int limit, Optional<String> cursor, Optional<String> location, Optional<String> outcome) {
    if (limit < 1 || limit > MAX_RESULTS_PAGE) {
      throw new ValidationException("limit", "must be from 1 to " + MAX_RESULTS_PAGE);
    }
    Optional<Cursor> after = cursor.map(Cursor::parse);
    String sql =
        """
        SELECT result_id, started_at, scheduled_at, location, agent_id, up, reason, status_code,
               dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, http_version,
               remote_address, tls_expires_at, redirects, final_url, detail, target_version
        FROM check_result
        WHERE target_id = ? AND started_at >= ? AND started_at < ?
          AND (CAST(? AS timestamptz) IS NULL OR (started_at, result_id) < (CAST(? AS timestamptz), CAST(? AS uuid)))
          AND (CAST(? AS text) IS NULL OR location = ?)
          AND (CAST(? AS boolean) IS NULL OR up = ?)
        ORDER BY started_at DESC, result_id DESC
        LIMIT ?
        """;
    return Db.read(
        dataSource,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, targetId);
            ps.setTimestamp(i++, Timestamp.from(from));
            ps.setTimestamp(i++, Timestamp.from(to));
            Timestamp at = after.map(a -> Timestamp.from(a.startedAt())).orElse(null);
            ps.setTimestamp(i++, at);
            ps.setTimestamp(i++, at);
            ps.setObject(i++, after.map(Cursor::resultId).orElse(null), Types.OTHER);
            ps.setString(i++, location.orElse(null));
            ps.setString(i++, location.orElse(null));
            Boolean up = outcome.map("UP"::equals).orElse(null);
            setBoolean(ps, i++, up);
            setBoolean(ps, i++, up);
            ps.setInt(i++, limit + 1);
            List<ResultItem> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                items.add(item(rs));
              }
            }
            String next = null;
            if (items.size() > limit) {
              items.remove(limit);
              ResultItem last = items.get(limit - 1);
              next = new Cursor(last.startedAt(), last.resultId()).format();
            }
            return new ResultPage(items, from, to, next);
          }
        });
  }

  private static ResultItem item(ResultSet rs) throws SQLException {
    Map<String, Long> timings = new LinkedHashMap<>();
    timings.put("dns", rs.getLong("dns_us"));
    timings.put("connect", rs.getLong("connect_us"));
    timings.put("tls", rs.getLong("tls_us"));
    timings.put("ttfb", rs.getLong("ttfb_us"));
    timings.put("transfer", rs.getLong("transfer_us"));
    timings.put("total", rs.getLong("total_us"));
    int status = rs.getInt("status_code");
    Integer statusCode = rs.wasNull() ? null : status;
    return new ResultItem(
        rs.getObject("result_id", UUID.class),
        instant(rs, "started_at"),
        instant(rs, "scheduled_at"),
        rs.getString("location"),
        rs.getString("agent_id"),
        rs.getBoolean("up") ? "UP" : "DOWN",
        rs.getString("reason"),
        statusCode,
        timings,
        rs.getLong("total_us") / 1000.0,
        rs.getLong("body_bytes"),
        rs.getString("http_version"),
        rs.getString("remote_address"),
        instant(rs, "tls_expires_at"),
        rs.getInt("redirects"),
        rs.getString("final_url"),
        rs.getString("detail"),
        rs.getLong("target_version"));
  }

  /** Position after the last result of a page: its start time and id. */
  record Cursor(Instant startedAt, UUID resultId) {
    String format() {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, startedAt);
      return Base64.getUrlEncoder().withoutPadding().encodeToString((micros + ":" + resultId).getBytes(StandardCharsets.US_ASCII));
    }

    static Cursor parse(String text) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII);
        int colon = decoded.indexOf(':');
        long micros = Long.parseLong(decoded.substring(0, colon));
        return new Cursor(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(decoded.substring(colon + 1)));
      } catch (RuntimeException e) {
        throw new ValidationException("cursor", "is not a cursor returned by this API");
      }
    }
  }

  // ---------------------------------------------------------------- stats

  /** Response times in milliseconds; null without data. */
  record Latency(Double avg, Double p50, Double p95, Double p99, Double max) {}

  /** Figures of one location, or of all ({@code location} "all"). */
  record LocationStats(
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
   */
  record Stats(
      String targetId,
      String window,
      Instant from,
      Instant to,
      boolean exact,
      long checks,
      long up,
      long down,
      Double uptimePercent,
      Latency responseMs,
      Map<String, Long> outcomes,
      Map<String, Long> recentDownReasons,
      List<LocationStats> locations) {}

  /** The latest result of a location (from {@code target_status}). */
  private record Current(String status, Instant at, String reason) {
    static final Current NONE = new Current("UNKNOWN", null, null);
  }

  /** The windows of {@link #stats}. */
  static final Map<String, Duration> STATS_WINDOWS =
      Map.of("1h", Duration.ofHours(1), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7), "30d", Duration.ofDays(30));

  Stats stats(String targetId, String window) {
    Duration length = STATS_WINDOWS.get(window);
    if (length == null) {
      throw new ValidationException("window", "must be one of 1h, 24h, 7d, 30d");
    }
    Instant to = clock.instant();
    Instant from = to.minus(length);
    boolean raw = length.compareTo(RAW_LIMIT) <= 0;
    String sql =
        raw
            ? """
              SELECT coalesce(location, 'all') AS loc, grouping(location) AS g, count(*) AS checks,
                     count(*) FILTER (WHERE up) AS up_checks, avg(total_us) AS avg_us,
                     percentile_cont(0.5) WITHIN GROUP (ORDER BY total_us) AS p50,
                     percentile_cont(0.95) WITHIN GROUP (ORDER BY total_us) AS p95,
                     percentile_cont(0.99) WITHIN GROUP (ORDER BY total_us) AS p99, max(total_us) AS max_us
              FROM check_result WHERE target_id = ? AND started_at >= ? AND started_at < ?
              GROUP BY GROUPING SETS ((location), ())
              """
            : """
              SELECT coalesce(location, 'all') AS loc, grouping(location) AS g, sum(checks) AS checks,
                     sum(up_checks) AS up_checks, sum(avg_total_us * checks) / nullif(sum(checks), 0) AS avg_us,
                     sum(p50_total_us * checks) / nullif(sum(checks), 0) AS p50,
                     sum(p95_total_us * checks) / nullif(sum(checks), 0) AS p95,
                     sum(p99_total_us * checks) / nullif(sum(checks), 0) AS p99, max(max_total_us) AS max_us
              FROM webmon_hourly(?, ?, ?)
              GROUP BY GROUPING SETS ((location), ())
              """;
    return Db.read(
        dataSource,
        c -> {
          Map<String, LocationStats> byLocation = new LinkedHashMap<>();
          LocationStats all = new LocationStats("all", 0, 0, 0, null, new Latency(null, null, null, null, null), null, null, null);
          Map<String, Current> current = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT location, up, started_at, reason FROM target_status WHERE target_id = ? ORDER BY location")) {
            ps.setString(1, targetId);
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                current.put(
                    rs.getString(1), new Current(rs.getBoolean(2) ? "UP" : "DOWN", rs.getTimestamp(3).toInstant(), rs.getString(4)));
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, targetId);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                long checks = rs.getLong("checks");
                long up = rs.getLong("up_checks");
                Latency latency =
                    new Latency(
                        TargetQueries.millis(rs, "avg_us"),
                        TargetQueries.millis(rs, "p50"),
                        TargetQueries.millis(rs, "p95"),
                        TargetQueries.millis(rs, "p99"),
                        TargetQueries.millis(rs, "max_us"));
                Double uptime = TargetQueries.percent(rs, "up_checks", "checks");
                String loc = rs.getString("loc");
                if (rs.getInt("g") == 1) {
                  all = new LocationStats("all", checks, up, checks - up, uptime, latency, null, null, null);
                } else {
                  Current cur = current.getOrDefault(loc, Current.NONE);
                  byLocation.put(
                      loc, new LocationStats(loc, checks, up, checks - up, uptime, latency, cur.status(), cur.at(), cur.reason()));
                }
              }
            }
          }
          // Locations with a current status but no results in the window still show.
          for (Map.Entry<String, Current> e : current.entrySet()) {
            Current cur = e.getValue();
            byLocation.computeIfAbsent(
                e.getKey(),
                loc -> new LocationStats(loc, 0, 0, 0, null, new Latency(null, null, null, null, null), cur.status(), cur.at(), cur.reason()));
          }
          Map<String, Long> reasons = new LinkedHashMap<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  """
                  SELECT reason, count(*) FROM check_result
                  WHERE target_id = ? AND started_at >= ? AND started_at < ? AND NOT up
                  GROUP BY reason ORDER BY count(*) DESC, reason
                  """)) {
            ps.setString(1, targetId);
            ps.setTimestamp(2, Timestamp.from(to.minus(Duration.ofHours(24))));
            ps.setTimestamp(3, Timestamp.from(to));
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                reasons.put(rs.getString(1) == null ? "UNKNOWN" : rs.getString(1), rs.getLong(2));
              }
            }
          }
          Map<String, Long> outcomes = new LinkedHashMap<>();
          outcomes.put("UP", all.up());
          outcomes.put("DOWN", all.down());
          return new Stats(
              targetId, window, from, to, raw, all.checks(), all.up(), all.down(), all.uptimePercent(),
              all.responseMs(), outcomes, reasons, List.copyOf(byLocation.values()));
        });
  }

  // ---------------------------------------------------------------- chart series

  /**
   * The chart of a target: one point per bucket, in columns (as chart code wants them). Times are
   * epoch seconds of the bucket start; durations are milliseconds (check-weighted means of the
   * phases; p95 is exact per raw bucket, a check-weighted mean of hourly p95s per hourly bucket).
   */
  record Series(
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

  /** The chart windows offered by the UI. */
  static final Map<String, Duration> SERIES_WINDOWS = seriesWindows();

  private static Map<String, Duration> seriesWindows() {
    Map<String, Duration> m = new LinkedHashMap<>();
    m.put("1h", Duration.ofHours(1));
    m.put("6h", Duration.ofHours(6));
    m.put("24h", Duration.ofHours(24));
    m.put("48h", Duration.ofHours(48));
    m.put("7d", Duration.ofDays(7));
    m.put("30d", Duration.ofDays(30));
    m.put("90d", Duration.ofDays(90));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The longest chart range. */
  static final Duration MAX_SERIES_RANGE = Duration.ofDays(400);

  /**
   * The chart of a target, or empty if there is no such target. Hourly ranges read the rollup
   * rows as they are (a plain index range scan) and the raw rows of the hours after the last
   * rolled-up one (at most 48 h), and merge the locations per hour here: two simple statements
   * plan and run faster than one generic one.
   */
  Optional<Series> series(String targetId, Instant from, Instant to, Optional<String> location) {
    Duration range = Duration.between(from, to);
    if (range.isNegative() || range.isZero()) {
      throw new ValidationException("from", "must be before 'to'");
    }
    if (range.compareTo(MAX_SERIES_RANGE) > 0) {
      throw new ValidationException("from", "the range may span at most 400 days");
    }
    boolean raw = range.compareTo(RAW_LIMIT) <= 0;
    long bucket = raw ? Math.max(10, ((range.toSeconds() / RAW_POINTS + 9) / 10) * 10) : 3600;
    return Db.read(
        dataSource,
        c -> {
          List<String> locations = new ArrayList<>();
          try (PreparedStatement ps =
              c.prepareStatement(
                  "SELECT EXISTS (SELECT 1 FROM target WHERE id = ?),"
                      + " ARRAY(SELECT location FROM target_status WHERE target_id = ? ORDER BY location)")) {
            ps.setString(1, targetId);
            ps.setString(2, targetId);
            try (ResultSet rs = ps.executeQuery()) {
              rs.next();
              if (!rs.getBoolean(1)) {
                return Optional.empty();
              }
              locations.addAll(List.of((String[]) rs.getArray(2).getArray()));
            }
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
   * take over: after the last rolled-up hour, but never more than {@link #RAW_LIMIT} back.
   */
  private static Instant rollups(
      java.sql.Connection c, String targetId, Instant from, Instant to, Optional<String> location, Columns cols)
      throws SQLException {
    Instant rawFrom = from;
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT hour, checks, up_checks, avg_dns_us, avg_connect_us, avg_tls_us, avg_ttfb_us, avg_transfer_us,
                   avg_total_us, p95_total_us, max_total_us
            FROM check_rollup_hourly
            WHERE target_id = ? AND hour >= ? AND hour < ? AND (CAST(? AS text) IS NULL OR location = ?)
            ORDER BY hour
            """)) {
      ps.setString(1, targetId);
      ps.setTimestamp(2, Timestamp.from(from));
      ps.setTimestamp(3, Timestamp.from(to));
      ps.setString(4, location.orElse(null));
      ps.setString(5, location.orElse(null));
      ps.setFetchSize(2000);
      try (ResultSet rs = ps.executeQuery()) {
        HourSum hour = null;
        while (rs.next()) {
          Instant h = rs.getTimestamp(1).toInstant();
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
    }
    Instant floor = to.minus(RAW_LIMIT);
    return rawFrom.isBefore(floor) ? floor : rawFrom;
  }

  /** Adds raw rows in [from, to), bucketed, to the columns. */
  private static void rawBuckets(
      java.sql.Connection c, String targetId, Instant from, Instant to, long bucket, Optional<String> location, Columns cols)
      throws SQLException {
    if (!from.isBefore(to)) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            """
            SELECT extract(epoch FROM date_bin(make_interval(secs => ?), started_at, timestamptz '2000-01-01 00:00:00+00'))::bigint AS t,
                   count(*) AS checks, count(*) FILTER (WHERE up) AS up_checks,
                   avg(dns_us) AS dns, avg(connect_us) AS connect, avg(tls_us) AS tls, avg(ttfb_us) AS ttfb,
                   avg(transfer_us) AS transfer, avg(total_us) AS avg_us,
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY total_us) AS p95, max(total_us) AS max_us
            FROM check_result
            WHERE target_id = ? AND started_at >= ? AND started_at < ? AND (CAST(? AS text) IS NULL OR location = ?)
            GROUP BY 1 ORDER BY 1
            """)) {
      ps.setLong(1, bucket);
      ps.setString(2, targetId);
      ps.setTimestamp(3, Timestamp.from(from));
      ps.setTimestamp(4, Timestamp.from(to));
      ps.setString(5, location.orElse(null));
      ps.setString(6, location.orElse(null));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          cols.add(rs);
        }
      }
    }
  }

  /** The rollup rows of one hour (one per location), merged: sums and check-weighted means. */
  private static final class HourSum {
    final Instant start;
    long checks;
    long up;
    final double[] weighted = new double[7]; // dns, connect, tls, ttfb, transfer, avg, p95
    long max;

    HourSum(Instant start) {
      this.start = start;
    }

    void add(ResultSet rs) throws SQLException {
      long n = rs.getLong(2);
      checks += n;
      up += rs.getLong(3);
      for (int k = 0; k < 7; k++) {
        weighted[k] += rs.getDouble(4 + k) * n;
      }
      max = Math.max(max, rs.getLong(11));
    }

    void addTo(Columns cols) {
      cols.t.add(start.getEpochSecond());
      cols.checks.add(checks);
      cols.up.add(up);
      List<List<Double>> targets = List.of(cols.dns, cols.connect, cols.tls, cols.ttfb, cols.transfer, cols.avg, cols.p95);
      for (int k = 0; k < 7; k++) {
        targets.get(k).add(checks == 0 ? null : Math.round(weighted[k] / checks / 100.0) / 10.0);
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
      dns.add(TargetQueries.millis(rs, "dns"));
      connect.add(TargetQueries.millis(rs, "connect"));
      tls.add(TargetQueries.millis(rs, "tls"));
      ttfb.add(TargetQueries.millis(rs, "ttfb"));
      transfer.add(TargetQueries.millis(rs, "transfer"));
      avg.add(TargetQueries.millis(rs, "avg_us"));
      p95.add(TargetQueries.millis(rs, "p95"));
      max.add(TargetQueries.millis(rs, "max_us"));
    }
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }

  private static void setBoolean(PreparedStatement ps, int index, Boolean value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BOOLEAN);
    } else {
      ps.setBoolean(index, value);
    }
  }
}
