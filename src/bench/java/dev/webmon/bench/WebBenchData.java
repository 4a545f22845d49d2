package dev.webmon.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.TargetSpec;
import dev.webmon.store.Targets;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The web bench's data set: targets, raw results and hourly rollups generated in PostgreSQL
 * (generate_series), and a marker row so that a rerun with the same sizes reuses them.
 */
final class WebBenchData {
  private static final String LOCATION_PREFIX = "loc";

  /** The UI's interval presets, in turn. */
  private static final List<Long> INTERVALS = List.of(60L, 120L, 300L, 600L, 1200L, 1800L);

  private WebBenchData() {}

  static boolean sameDataSet(HikariDataSource db, WebBench.Options o) throws SQLException {
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS bench_web_dataset (targets integer, results bigint, days integer, rollup_days integer, locations integer)");
      try (ResultSet rs = st.executeQuery("SELECT targets, results, days, rollup_days, locations FROM bench_web_dataset")) {
        return rs.next() && rs.getInt(1) == o.targets() && rs.getLong(2) == o.results() && rs.getInt(3) == o.days()
            && rs.getInt(4) == o.rollupDays() && rs.getInt(5) == o.locations();
      }
    }
  }

  static void load(HikariDataSource db, WebBench.Options o, PrintWriter out) throws SQLException {
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      st.execute("TRUNCATE target, check_result, target_status, check_rollup_hourly, bench_web_dataset");
      try (PreparedStatement ps = c.prepareStatement("SELECT webmon_ensure_partitions(?, 2)")) {
        ps.setInt(1, o.days() + 1);
        ps.executeQuery().close();
      }
    }
    long t0 = System.nanoTime();
    insertTargets(db, o.targets(), now);
    WebBench.say(out, String.format(Locale.ROOT, "loaded %d targets in %.1f s", o.targets(), WebBench.secondsSince(t0)));

    // Raw results: each target/location gets rows evenly spaced over the last `days`, newest a minute ago.
    long perSeries = Math.max(1, o.results() / ((long) o.targets() * o.locations()));
    double spacing = o.days() * 86_400.0 / perSeries;
    long total = perSeries * o.targets() * o.locations();
    int chunks = (int) Math.min(50, Math.max(1, total / 500_000));
    long t1 = System.nanoTime();
    for (int chunk = 0; chunk < chunks; chunk++) {
      long from = perSeries * chunk / chunks;
      long to = perSeries * (chunk + 1) / chunks;
      try (Connection c = db.getConnection();
          PreparedStatement ps =
              c.prepareStatement(
                  """
                  INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, scheduled_at,
                      up, reason, status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes,
                      http_version, remote_address)
                  SELECT t.id, ts, gen_random_uuid(), 1, l.loc, 'bench-agent', ts,
                         (r % 97) <> 0, CASE WHEN (r % 97) = 0 THEN 'TIMEOUT' END, CASE WHEN (r % 97) <> 0 THEN 200 END,
                         1000 + r % 500, 3000 + r % 2000, 8000 + r % 4000, 30000 + r % 30000, 2000 + r % 1000,
                         44000 + r % 37000, 2048, 'HTTP/1.1', '93.184.215.14'
                  FROM target t
                  CROSS JOIN (SELECT CAST(? AS text) || g AS loc FROM generate_series(1, CAST(? AS integer)) g) l
                  CROSS JOIN LATERAL generate_series(CAST(? AS bigint), CAST(? AS bigint) - 1) AS k
                  CROSS JOIN LATERAL (SELECT CAST(? AS timestamptz) - make_interval(secs => 60 + k * CAST(? AS double precision)) AS ts,
                                             abs(hashtext(t.id || l.loc || k)) AS r) x
                  """)) {
        ps.setString(1, LOCATION_PREFIX);
        ps.setInt(2, o.locations());
        ps.setLong(3, from);
        ps.setLong(4, to);
        ps.setTimestamp(5, Timestamp.from(now));
        ps.setDouble(6, spacing);
        ps.executeUpdate();
      }
      WebBench.say(out, String.format(Locale.ROOT, "raw results: %d of %d rows (%.0f s)", perSeries * (chunk + 1) / chunks * o.targets() * o.locations(),
          total, WebBench.secondsSince(t1)));
    }
    // Hourly rollups for every closed hour of the last rollupDays, except the last two (raw tail).
    long t2 = System.nanoTime();
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO check_rollup_hourly (target_id, location, hour, checks, up_checks, min_total_us, avg_total_us,
                    max_total_us, p50_total_us, p95_total_us, p99_total_us, avg_dns_us, avg_connect_us, avg_tls_us,
                    avg_ttfb_us, avg_transfer_us)
                SELECT t.id, l.loc, h, 60, 60 - (r % 3 = 0)::int, 30000, 50000 + r % 20000, 150000 + r % 50000,
                       48000 + r % 20000, 90000 + r % 40000, 120000 + r % 60000, 1200, 4000, 10000, 32000, 2500
                FROM target t
                CROSS JOIN (SELECT CAST(? AS text) || g AS loc FROM generate_series(1, CAST(? AS integer)) g) l
                CROSS JOIN LATERAL generate_series(CAST(? AS timestamptz), CAST(? AS timestamptz), interval '1 hour') AS h
                CROSS JOIN LATERAL (SELECT abs(hashtext(t.id || l.loc || h::text)) AS r) x
                """)) {
      Instant lastHour = now.truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(2));
      ps.setString(1, LOCATION_PREFIX);
      ps.setInt(2, o.locations());
      ps.setTimestamp(3, Timestamp.from(lastHour.minus(Duration.ofDays(o.rollupDays())).plus(Duration.ofHours(1))));
      ps.setTimestamp(4, Timestamp.from(lastHour));
      if (o.rollupDays() > 0) {
        ps.executeUpdate();
      }
    }
    WebBench.say(out, String.format(Locale.ROOT, "hourly rollups loaded in %.0f s", WebBench.secondsSince(t2)));
    try (Connection c = db.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                """
                INSERT INTO target_status (target_id, location, result_id, started_at, up, reason, status_code, total_us, since)
                SELECT t.id, CAST(? AS text) || g, gen_random_uuid(), CAST(? AS timestamptz), (abs(hashtext(t.id)) % 50) <> 0,
                       CASE WHEN (abs(hashtext(t.id)) % 50) = 0 THEN 'HTTP_STATUS' END, 200, 50000, ?
                FROM target t CROSS JOIN generate_series(1, CAST(? AS integer)) g
                """)) {
      ps.setString(1, LOCATION_PREFIX);
      ps.setTimestamp(2, Timestamp.from(now.minusSeconds(60)));
      ps.setTimestamp(3, Timestamp.from(now.minus(Duration.ofDays(1))));
      ps.setInt(4, o.locations());
      ps.executeUpdate();
    }
    try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
      long t3 = System.nanoTime();
      st.execute("ANALYZE");
      WebBench.say(out, String.format(Locale.ROOT, "ANALYZE in %.0f s", WebBench.secondsSince(t3)));
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO bench_web_dataset VALUES (?, ?, ?, ?, ?)")) {
        ps.setInt(1, o.targets());
        ps.setLong(2, o.results());
        ps.setInt(3, o.days());
        ps.setInt(4, o.rollupDays());
        ps.setInt(5, o.locations());
        ps.executeUpdate();
      }
    }
  }

  private static void insertTargets(HikariDataSource db, int n, Instant now) throws SQLException {
    Targets store = new Targets();
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      for (int i = 0; i < n; i++) {
        TargetSpec spec =
            TargetSpec.builder(String.format(Locale.ROOT, "bench%06d", i), "https://site" + i + ".example.com/health")
                .name(String.format(Locale.ROOT, "Site %06d", i))
                .interval(Duration.ofSeconds(INTERVALS.get(i % INTERVALS.size())))
                .tag(i % 2 == 0 ? "even" : "odd")
                .updatedAt(now)
                .build();
        store.upsert(c, spec);
        if (i % 1000 == 999) {
          c.commit();
        }
      }
      c.commit();
    }
  }

  static List<String> ids(HikariDataSource db) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM target ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  static long count(HikariDataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * The status page {@code /status/bench}: {@code components} components of one target each (the
   * first targets by id) and 90 days of daily uptime for them (the sink keeps that table; the bench
   * loads rollups directly, so it fills the days itself). Idempotent.
   */
  static void statusPage(HikariDataSource db, List<String> ids, int components) throws SQLException {
    dev.webmon.store.StatusPages pages = new dev.webmon.store.StatusPages();
    List<String> targets = ids.subList(0, Math.min(components, ids.size()));
    dev.webmon.store.Jdbc.transaction(
        db,
        c -> {
          if (pages.insert(c, new dev.webmon.store.StatusPages.Page("bench", "Bench status", "", "public", false, "", Instant.now()))) {
            for (int i = 0; i < targets.size(); i++) {
              pages.addComponent(c, "bench", "Component " + i, i, List.of(targets.get(i)));
            }
          }
          try (java.sql.PreparedStatement ps =
              c.prepareStatement(
                  "INSERT INTO check_uptime_daily (target_id, day, checks, up_checks, total_us_sum) "
                      + "SELECT t, d::date, 1440, 1440 - (hashtext(t || d::text) & 7), 1440 * 150000.0 "
                      + "FROM unnest(?::text[]) AS t, generate_series(current_date - 90, current_date, interval '1 day') AS d "
                      + "ON CONFLICT DO NOTHING")) {
            ps.setArray(1, c.createArrayOf("text", targets.toArray()));
            ps.executeUpdate();
          }
          return null;
        });
  }
}
