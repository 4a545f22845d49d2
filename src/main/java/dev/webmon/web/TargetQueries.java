package dev.webmon.web;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The targets list of the dashboard and the API: one SQL statement per page, whatever the page
 * size (status from {@code target_status}, uptime and p95 from the hourly figures of {@link
 * #HOURLY}), so 10 000 targets cost no more than 50. Filters and sort orders are whitelisted; user
 * text only ever travels as a bind parameter. Thread-safe.
 */
final class TargetQueries {
  /** Largest page. */
  static final int MAX_PAGE_SIZE = 200;

  static final int DEFAULT_PAGE_SIZE = 50;

  /** Hours in a sparkline. */
  static final int SPARK_HOURS = 24;

  /** Sort keys and their ORDER BY clauses (constants: never built from input). */
  static final Map<String, String> SORTS = sorts();

  /** The status of a target over its locations. */
  enum Status {
    UP,
    DOWN,
    DEGRADED,
    UNKNOWN
  }

  private final DataSource dataSource;
  private final Clock clock;

  TargetQueries(DataSource dataSource, Clock clock) {
    this.dataSource = dataSource;
    this.clock = clock;
  }

  private static Map<String, String> sorts() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", "lower(t.name), t.id");
    m.put("-name", "lower(t.name) DESC, t.id DESC");
    m.put("url", "t.url, t.id");
    m.put("-url", "t.url DESC, t.id DESC");
    m.put("interval", "t.interval_seconds, lower(t.name), t.id");
    m.put("-interval", "t.interval_seconds DESC, lower(t.name), t.id");
    m.put("status", "status_rank, lower(t.name), t.id");
    m.put("-status", "status_rank DESC, lower(t.name), t.id");
    m.put("lastCheck", "st.last_check NULLS FIRST, t.id");
    m.put("-lastCheck", "st.last_check DESC NULLS LAST, t.id");
    m.put("updated", "t.updated_at, t.id");
    m.put("-updated", "t.updated_at DESC, t.id");
    return Map.copyOf(m);
  }

  /**
   * What to list.
   *
   * @param text matched (case-insensitively, as a substring) against name and URL
   * @param status only targets in this status
   * @param tag only targets with this tag
   * @param intervalSeconds only targets checked at this interval
   * @param sort a key of {@link #SORTS}
   * @param page 1-based
   */
  record Filter(
      Optional<String> text,
      Optional<Status> status,
      Optional<String> tag,
      Optional<Integer> intervalSeconds,
      String sort,
      int page,
      int size) {
    Filter {
      if (!SORTS.containsKey(sort)) {
        throw new ValidationException("sort", "must be one of " + String.join(", ", SORTS.keySet().stream().sorted().toList()));
      }
      if (page < 1 || page > 1_000_000) {
        throw new ValidationException("page", "must be from 1 to 1000000");
      }
      if (size < 1 || size > MAX_PAGE_SIZE) {
        throw new ValidationException("size", "must be from 1 to " + MAX_PAGE_SIZE);
      }
      text.ifPresent(
          t -> {
            if (t.length() > 200) {
              throw new ValidationException("q", "must be at most 200 characters");
            }
          });
      tag.ifPresent(
          t -> {
            if (t.length() > 64) {
              throw new ValidationException("tag", "must be at most 64 characters");
            }
          });
    }

    static Filter firstPage() {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "name", 1, DEFAULT_PAGE_SIZE);
    }
  }

  /** One row of the list. Percentages and times are null when there is no data yet. */
  record Row(
      String id,
      String name,
      String url,
      int intervalSeconds,
      List<String> tags,
      long version,
      Status status,
      int locations,
      int upLocations,
      Instant lastCheckAt,
      Double uptime24h,
      Double uptime7d,
      Double uptime30d,
      Double p95Ms24h,
      List<Double> sparklineMs,
      List<Double> sparklineUp) {}

  /** A page of rows and the total number matching. */
  record Page(List<Row> items, int page, int size, long total) {
    int pages() {
      return (int) Math.max(1, (total + size - 1) / size);
    }
  }

  private static final String SQL_TEMPLATE =
      """
      WITH st AS (
          SELECT target_id, count(*) AS n, count(*) FILTER (WHERE up) AS n_up, max(started_at) AS last_check
          FROM target_status GROUP BY target_id
      ),
      page AS (
          SELECT t.id, t.name, t.url, t.interval_seconds, t.tags, t.version,
                 coalesce(st.n, 0) AS n, coalesce(st.n_up, 0) AS n_up, st.last_check,
                 CASE WHEN st.n IS NULL THEN 3 WHEN st.n_up = 0 THEN 0 WHEN st.n_up < st.n THEN 1 ELSE 2 END AS status_rank,
                 count(*) OVER () AS total
          FROM target t
          LEFT JOIN st ON st.target_id = t.id
          WHERE (CAST(? AS text) IS NULL OR strpos(lower(t.name), ?) > 0 OR strpos(lower(t.url), ?) > 0)
            AND (CAST(? AS text) IS NULL OR t.tags @> ARRAY[CAST(? AS text)])
            AND (CAST(? AS integer) IS NULL OR t.interval_seconds = ?)
            AND (CAST(? AS integer) IS NULL
                 OR CASE WHEN st.n IS NULL THEN 3 WHEN st.n_up = 0 THEN 0 WHEN st.n_up < st.n THEN 1 ELSE 2 END = ?)
          ORDER BY %1$s
          LIMIT ? OFFSET ?
      )
      SELECT t.*, u.*
      FROM page t
      LEFT JOIN LATERAL (
          WITH h AS MATERIALIZED (SELECT * FROM webmon_hourly(t.id, ?, ?)),
               hh AS (SELECT hour, sum(checks) AS c, sum(up_checks) AS u,
                             sum(avg_total_us * checks) / nullif(sum(checks), 0) AS avg_us
                      FROM h WHERE hour >= ? GROUP BY hour)
          SELECT a.*, s.*
          FROM (SELECT sum(checks) FILTER (WHERE hour >= ?) AS c24, sum(up_checks) FILTER (WHERE hour >= ?) AS u24,
                       sum(checks) FILTER (WHERE hour >= ?) AS c7, sum(up_checks) FILTER (WHERE hour >= ?) AS u7,
                       sum(checks) AS c30, sum(up_checks) AS u30,
                       sum(p95_total_us * checks) FILTER (WHERE hour >= ?)
                           / nullif(sum(checks) FILTER (WHERE hour >= ?), 0) AS p95_24
                FROM h) a,
               (SELECT array_agg(extract(epoch FROM hour)::bigint ORDER BY hour) AS spark_hours,
                       array_agg(avg_us ORDER BY hour) AS spark_us,
                       array_agg(u::double precision / nullif(c, 0) ORDER BY hour) AS spark_up
                FROM hh) s
      ) u ON true
      ORDER BY %1$s
      """;

  Page list(Filter f) {
    Instant now = clock.instant();
    Instant d1 = now.minus(1, ChronoUnit.DAYS);
    Instant d7 = now.minus(7, ChronoUnit.DAYS);
    Instant d30 = now.minus(30, ChronoUnit.DAYS);
    Instant sparkStart = now.truncatedTo(ChronoUnit.HOURS).minus(SPARK_HOURS - 1, ChronoUnit.HOURS);
    String sql = SQL_TEMPLATE.formatted(SORTS.get(f.sort()));
    Page page =
        Db.read(
        dataSource,
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            String text = f.text().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
            ps.setString(i++, text);
            ps.setString(i++, text);
            ps.setString(i++, text);
            ps.setString(i++, f.tag().orElse(null));
            ps.setString(i++, f.tag().orElse(null));
            setInt(ps, i++, f.intervalSeconds());
            setInt(ps, i++, f.intervalSeconds());
            Optional<Integer> rank = f.status().map(TargetQueries::rank);
            setInt(ps, i++, rank);
            setInt(ps, i++, rank);
            ps.setInt(i++, f.size());
            ps.setLong(i++, (long) (f.page() - 1) * f.size());
            Timestamp t1 = Timestamp.from(d1);
            Timestamp t7 = Timestamp.from(d7);
            ps.setTimestamp(i++, Timestamp.from(d30));
            ps.setTimestamp(i++, Timestamp.from(now));
            ps.setTimestamp(i++, Timestamp.from(sparkStart));
            ps.setTimestamp(i++, t1);
            ps.setTimestamp(i++, t1);
            ps.setTimestamp(i++, t7);
            ps.setTimestamp(i++, t7);
            ps.setTimestamp(i++, t1);
            ps.setTimestamp(i++, t1);
            List<Row> rows = new ArrayList<>();
            long total = 0;
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                total = rs.getLong("total");
                rows.add(row(rs, sparkStart));
              }
            }
            return new Page(rows, f.page(), f.size(), total);
          }
        });
    if (page.items().isEmpty() && f.page() > 1) {
      // A page past the end: still say how many there are.
      long total = list(new Filter(f.text(), f.status(), f.tag(), f.intervalSeconds(), f.sort(), 1, 1)).total();
      return new Page(List.of(), f.page(), f.size(), total);
    }
    return page;
  }

  /** Targets checked at one preset frequency (one of the views {@code targets_every_*}). */
  record Frequency(String view, int intervalSeconds, long targets, long up, long down, long noData) {}

  /** The frequency views, in order; names are constants, never input. */
  static final Map<Integer, String> FREQUENCY_VIEWS =
      new java.util.TreeMap<>(
          Map.of(
              60, "targets_every_1m",
              120, "targets_every_2m",
              300, "targets_every_5m",
              600, "targets_every_10m",
              1200, "targets_every_20m",
              1800, "targets_every_30m"));

  /** Counts per frequency view: targets, all locations up, any location down, no result yet. */
  List<Frequency> frequencies() {
    StringBuilder sql = new StringBuilder();
    for (Map.Entry<Integer, String> v : FREQUENCY_VIEWS.entrySet()) {
      if (!sql.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      sql.append(
          """
          SELECT '%1$s' AS view, %2$d AS seconds, count(*) AS targets,
                 count(*) FILTER (WHERE n > 0 AND n_up = n) AS up, count(*) FILTER (WHERE n_up < n) AS down,
                 count(*) FILTER (WHERE n = 0) AS no_data
          FROM (SELECT id, count(location) AS n, count(*) FILTER (WHERE up) AS n_up FROM %1$s GROUP BY id) x
          """
              .formatted(v.getValue(), v.getKey()));
    }
    return Db.read(
        dataSource,
        c -> {
          List<Frequency> out = new ArrayList<>();
          try (PreparedStatement ps = c.prepareStatement(sql.toString());
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              out.add(
                  new Frequency(
                      rs.getString("view"), rs.getInt("seconds"), rs.getLong("targets"), rs.getLong("up"),
                      rs.getLong("down"), rs.getLong("no_data")));
            }
          }
          return out;
        });
  }

  private static Row row(ResultSet rs, Instant sparkStart) throws SQLException {
    int n = rs.getInt("n");
    int nUp = rs.getInt("n_up");
    Status status = n == 0 ? Status.UNKNOWN : nUp == 0 ? Status.DOWN : nUp < n ? Status.DEGRADED : Status.UP;
    Timestamp last = rs.getTimestamp("last_check");
    Array tags = rs.getArray("tags");
    return new Row(
        rs.getString("id"),
        rs.getString("name"),
        rs.getString("url"),
        rs.getInt("interval_seconds"),
        tags == null ? List.of() : Arrays.asList((String[]) tags.getArray()),
        rs.getLong("version"),
        status,
        n,
        nUp,
        last == null ? null : last.toInstant(),
        percent(rs, "u24", "c24"),
        percent(rs, "u7", "c7"),
        percent(rs, "u30", "c30"),
        millis(rs, "p95_24"),
        spark(rs, "spark_us", sparkStart, 0.001),
        spark(rs, "spark_up", sparkStart, 1));
  }

  /** One value per hour of the last {@link #SPARK_HOURS} hours, null where there was no check. */
  private static List<Double> spark(ResultSet rs, String column, Instant start, double scale) throws SQLException {
    Array hoursArray = rs.getArray("spark_hours");
    Array valuesArray = rs.getArray(column);
    Double[] slots = new Double[SPARK_HOURS];
    if (hoursArray != null && valuesArray != null) {
      Long[] hours = (Long[]) hoursArray.getArray();
      Double[] values = (Double[]) valuesArray.getArray();
      for (int k = 0; k < hours.length; k++) {
        long slot = (hours[k] - start.getEpochSecond()) / 3600;
        if (slot >= 0 && slot < SPARK_HOURS && values[k] != null) {
          slots[(int) slot] = Math.round(values[k] * scale * 1000) / 1000.0;
        }
      }
    }
    return java.util.Collections.unmodifiableList(Arrays.asList(slots));
  }

  static Double percent(ResultSet rs, String up, String checks) throws SQLException {
    long c = rs.getLong(checks);
    if (rs.wasNull() || c == 0) {
      return null;
    }
    return Math.round(rs.getLong(up) * 100_000.0 / c) / 1000.0;
  }

  static Double millis(ResultSet rs, String column) throws SQLException {
    double us = rs.getDouble(column);
    if (rs.wasNull()) {
      return null;
    }
    return Math.round(us / 100.0) / 10.0;
  }

  private static int rank(Status s) {
    return switch (s) {
      case DOWN -> 0;
      case DEGRADED -> 1;
      case UP -> 2;
      case UNKNOWN -> 3;
    };
  }

  private static void setInt(PreparedStatement ps, int index, Optional<Integer> value) throws SQLException {
    if (value.isPresent()) {
      ps.setInt(index, value.get());
    } else {
      ps.setNull(index, Types.INTEGER);
    }
  }
}
