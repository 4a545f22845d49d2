package dev.webmon.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The targets list of the dashboard and the API: one SQL statement per page, whatever the page
 * size (status from {@code target_status}, uptime and p95 from the hourly figures of {@code
 * webmon_hourly_brief}), so 10 000 targets cost no more than 50. Sort orders are whitelisted;
 * user text only ever travels as a bind parameter. The caller validates the filter's values
 * (this class refuses invalid ones with {@link IllegalArgumentException}). Thread-safe.
 */
public final class TargetList {
  /** Largest page. */
  public static final int MAX_PAGE_SIZE = 200;

  public static final int DEFAULT_PAGE_SIZE = 50;

  /** Largest page number. */
  public static final int MAX_PAGE = 1_000_000;

  /** Hours in a sparkline. */
  public static final int SPARK_HOURS = 24;

  /** Sort keys and their ORDER BY clauses (constants: never built from input). */
  public static final Map<String, String> SORTS = sorts();

  /** The status of a target over its locations. */
  public enum Status {
    UP,
    DOWN,
    DEGRADED,
    UNKNOWN
  }

  private final DataSource dataSource;
  private final Clock clock;

  public TargetList(DataSource dataSource, Clock clock) {
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
    m.put("lastCheck", "last_check NULLS FIRST, t.id");
    m.put("-lastCheck", "last_check DESC NULLS LAST, t.id");
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
   * @param page 1-based, at most {@link #MAX_PAGE}
   * @param size 1 to {@link #MAX_PAGE_SIZE}
   */
  public record Filter(
      Optional<String> text,
      Optional<Status> status,
      Optional<String> tag,
      Optional<Integer> intervalSeconds,
      String sort,
      int page,
      int size) {
    public Filter {
      if (!SORTS.containsKey(sort) || page < 1 || page > MAX_PAGE || size < 1 || size > MAX_PAGE_SIZE) {
        throw new IllegalArgumentException("invalid filter: sort " + sort + ", page " + page + ", size " + size);
      }
    }

    public static Filter firstPage() {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), "name", 1, DEFAULT_PAGE_SIZE);
    }
  }

  /** The open (or acknowledged) availability incident of a target. */
  public record OpenIncident(UUID id, String severity) {}

  /**
   * One row of the list. Percentages and times are null when there is no data yet; {@code
   * incident} is null when the target has no open availability incident.
   */
  public record Row(
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
      List<Double> sparklineUp,
      OpenIncident incident) {}

  /** A page of rows and the total number matching. */
  public record Page(List<Row> items, int page, int size, long total) {
    public int pages() {
      return (int) Math.max(1, (total + size - 1) / size);
    }
  }

  /** The filters, on table {@code target t}; every value is a bind parameter. */
  private static final String WHERE =
      """
      (CAST(:text AS text) IS NULL OR strpos(lower(t.name), :text) > 0 OR strpos(lower(t.url), :text) > 0)
      AND (CAST(:tag AS text) IS NULL OR t.tags @> ARRAY[CAST(:tag AS text)])
      AND (CAST(:interval AS integer) IS NULL OR t.interval_seconds = :interval)
      """;

  /**
   * The status rank: the open availability incident's severity when there is one (the alerter's
   * verdict, with thresholds and quorum), else the locations' latest results. Same rule as {@link #status}.
   */
  private static final String STATUS_RANK =
      "CASE inc.severity WHEN 'down' THEN 0 WHEN 'degraded' THEN 1 WHEN 'flapping' THEN 1 WHEN 'no-data' THEN 3 ELSE "
          + "CASE WHEN st.n IS NULL OR st.n = 0 THEN 3 WHEN st.n_up = 0 THEN 0 WHEN st.n_up < st.n THEN 1 ELSE 2 END END";

  /**
   * The newest open (or acknowledged) availability incident of every target that has one, from
   * the partial index {@code incident_active}: only unresolved incidents are read.
   */
  static final String ACTIVE =
      """
      active AS MATERIALIZED (
          SELECT DISTINCT ON (target_id) target_id, id, severity
          FROM incident WHERE state <> 'resolved' AND lane = 'availability'
          ORDER BY target_id, opened_at DESC
      )""";

  /**
   * Page first, status after: sorted by a column of {@code target} (index on lower(name), id),
   * the status of only the page's rows is read. Total by a separate count of the same filter.
   */
  private static final String SQL_PAGE_FIRST =
      """
      WITH page AS (
          SELECT t.id, t.name, t.url, t.interval_seconds, t.tags, t.version, t.updated_at
          FROM target t
          WHERE %2$s
          ORDER BY %1$s
          LIMIT :limit OFFSET :offset
      ),
      %5$s
      SELECT t.*, st.n, st.n_up, st.last_check, (SELECT count(*) FROM target t WHERE %2$s) AS total,
             inc.id AS incident_id, inc.severity AS incident_severity, u.*
      FROM page t
      LEFT JOIN active inc ON inc.target_id = t.id
      LEFT JOIN LATERAL (
          SELECT count(*) AS n, count(*) FILTER (WHERE up) AS n_up, max(started_at) AS last_check
          FROM target_status WHERE target_id = t.id
      ) st ON true
      LEFT JOIN LATERAL (%3$s) u ON true
      ORDER BY %1$s
      """;

  /** Status first: to filter or sort by status or last check, every target's status is needed. */
  private static final String SQL_STATUS_FIRST =
      """
      WITH st AS (
          SELECT target_id, count(*) AS n, count(*) FILTER (WHERE up) AS n_up, max(started_at) AS last_check
          FROM target_status GROUP BY target_id
      ),
      %5$s,
      page AS (
          SELECT t.id, t.name, t.url, t.interval_seconds, t.tags, t.version, t.updated_at,
                 st.n, st.n_up, st.last_check, %4$s AS status_rank, count(*) OVER () AS total,
                 inc.id AS incident_id, inc.severity AS incident_severity
          FROM target t
          LEFT JOIN st ON st.target_id = t.id
          LEFT JOIN active inc ON inc.target_id = t.id
          WHERE %2$s AND (CAST(:rank AS integer) IS NULL OR %4$s = :rank)
          ORDER BY %1$s
          LIMIT :limit OFFSET :offset
      )
      SELECT t.*, u.*
      FROM page t
      LEFT JOIN LATERAL (%3$s) u ON true
      ORDER BY %1$s
      """;

  /**
   * Uptime 24 h / 7 d / 30 d, p95 over 24 h and the hourly sparkline of one page row {@code t}, in
   * one pass over its hourly figures (rows per location; the sparkline is merged per hour in Java).
   */
  private static final String FIGURES =
      """
      SELECT sum(checks) FILTER (WHERE hour >= :d1) AS c24, sum(up_checks) FILTER (WHERE hour >= :d1) AS u24,
             sum(checks) FILTER (WHERE hour >= :d7) AS c7, sum(up_checks) FILTER (WHERE hour >= :d7) AS u7,
             sum(checks) AS c30, sum(up_checks) AS u30,
             sum(p95_total_us * checks) FILTER (WHERE hour >= :d1)
                 / nullif(sum(checks) FILTER (WHERE hour >= :d1), 0) AS p95_24,
             array_agg(extract(epoch FROM hour)::bigint) FILTER (WHERE hour >= :spark) AS spark_hours,
             array_agg(checks) FILTER (WHERE hour >= :spark) AS spark_checks,
             array_agg(up_checks) FILTER (WHERE hour >= :spark) AS spark_up,
             array_agg(avg_total_us) FILTER (WHERE hour >= :spark) AS spark_us
      FROM webmon_hourly_brief(t.id, :d30, :now)
      """;

  /** Sort keys that need every target's status. */
  private static boolean statusFirst(Filter f) {
    return f.status().isPresent() || f.sort().contains("status") || f.sort().contains("lastCheck");
  }

  /** One page of the list. */
  public Page list(Filter f) {
    Instant now = clock.instant();
    Instant sparkStart = now.truncatedTo(ChronoUnit.HOURS).minus(SPARK_HOURS - 1, ChronoUnit.HOURS);
    boolean statusFirst = statusFirst(f);
    String sql =
        (statusFirst ? SQL_STATUS_FIRST : SQL_PAGE_FIRST).formatted(SORTS.get(f.sort()), WHERE, FIGURES, STATUS_RANK, ACTIVE);
    Page page =
        Jdbc.read(
            dataSource,
            c -> {
              try (NamedStatement ps = NamedStatement.prepare(c, sql)) {
                ps.text("text", f.text().map(s -> s.toLowerCase(Locale.ROOT)).orElse(null))
                    .text("tag", f.tag().orElse(null))
                    .integer("interval", f.intervalSeconds().orElse(null))
                    .integer("limit", f.size())
                    .bigint("offset", (long) (f.page() - 1) * f.size())
                    .timestamp("d1", now.minus(1, ChronoUnit.DAYS))
                    .timestamp("d7", now.minus(7, ChronoUnit.DAYS))
                    .timestamp("d30", now.minus(30, ChronoUnit.DAYS))
                    .timestamp("spark", sparkStart)
                    .timestamp("now", now);
                if (statusFirst) {
                  ps.integer("rank", f.status().map(TargetList::rank).orElse(null));
                }
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

  private static Row row(ResultSet rs, Instant sparkStart) throws SQLException {
    Spark spark = spark(rs, sparkStart);
    int n = rs.getInt("n");
    int nUp = rs.getInt("n_up");
    String severity = rs.getString("incident_severity");
    Status status = status(severity, n, nUp);
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
        Figures.percent(rs, "u24", "c24"),
        Figures.percent(rs, "u7", "c7"),
        Figures.percent(rs, "u30", "c30"),
        Figures.millis(rs, "p95_24"),
        spark.ms(),
        spark.up(),
        severity == null ? null : new OpenIncident(rs.getObject("incident_id", UUID.class), severity));
  }

  /**
   * The status of a target: from its open availability incident's severity if it has one
   * (down: DOWN; degraded and flapping: DEGRADED; no-data: UNKNOWN), else from its locations'
   * latest results (none: UNKNOWN, all down: DOWN, some down: DEGRADED, else UP).
   */
  static Status status(String incidentSeverity, int locations, int upLocations) {
    if (incidentSeverity != null) {
      switch (incidentSeverity) {
        case "down":
          return Status.DOWN;
        case "degraded", "flapping":
          return Status.DEGRADED;
        case "no-data":
          return Status.UNKNOWN;
        default:
          break;
      }
    }
    return locations == 0 ? Status.UNKNOWN : upLocations == 0 ? Status.DOWN : upLocations < locations ? Status.DEGRADED : Status.UP;
  }

  /** One value per hour of the last {@link #SPARK_HOURS} hours (null where there was no check). */
  private record Spark(List<Double> ms, List<Double> up) {}

  /** Merges the per-location hourly rows of the sparkline into hour slots. */
  private static Spark spark(ResultSet rs, Instant start) throws SQLException {
    long[] checks = new long[SPARK_HOURS];
    long[] up = new long[SPARK_HOURS];
    double[] weightedUs = new double[SPARK_HOURS];
    Array hoursArray = rs.getArray("spark_hours");
    if (hoursArray != null) {
      Long[] hours = (Long[]) hoursArray.getArray();
      Long[] c = (Long[]) rs.getArray("spark_checks").getArray();
      Long[] u = (Long[]) rs.getArray("spark_up").getArray();
      Double[] us = (Double[]) rs.getArray("spark_us").getArray();
      for (int k = 0; k < hours.length; k++) {
        long slot = (hours[k] - start.getEpochSecond()) / 3600;
        if (slot >= 0 && slot < SPARK_HOURS && c[k] != null && c[k] > 0) {
          int s = (int) slot;
          checks[s] += c[k];
          up[s] += u[k] == null ? 0 : u[k];
          weightedUs[s] += (us[k] == null ? 0 : us[k]) * c[k];
        }
      }
    }
    Double[] ms = new Double[SPARK_HOURS];
    Double[] upShare = new Double[SPARK_HOURS];
    for (int s = 0; s < SPARK_HOURS; s++) {
      if (checks[s] > 0) {
        ms[s] = Math.round(weightedUs[s] / checks[s]) / 1000.0;
        upShare[s] = Math.round(up[s] * 1000.0 / checks[s]) / 1000.0;
      }
    }
    return new Spark(Collections.unmodifiableList(Arrays.asList(ms)), Collections.unmodifiableList(Arrays.asList(upShare)));
  }

  private static int rank(Status s) {
    return switch (s) {
      case DOWN -> 0;
      case DEGRADED -> 1;
      case UP -> 2;
      case UNKNOWN -> 3;
    };
  }
}
