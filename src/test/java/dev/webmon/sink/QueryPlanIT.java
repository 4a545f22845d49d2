package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read paths the web needs are served by indexes, checked with EXPLAIN on a few million
 * results (generated in SQL): one target's results in a time range, newest first; one target's
 * latest status per location; the dashboard's page of targets with their latest status.
 */
@ExtendWith(PostgresExtension.class)
class QueryPlanIT {
  private static final Logger LOG = LoggerFactory.getLogger(QueryPlanIT.class);
  private static final int TARGETS = 700;
  private static final int LOCATIONS = 3;
  private static final int CHECKS = 1_000; // per target and location, every 5 minutes: ~3.5 days
  private static final long ROWS = (long) TARGETS * LOCATIONS * CHECKS; // 2.1 million

  private static HikariDataSource ds;
  private static Instant end;

  @BeforeAll
  static void generate(TestDatabase db) throws SQLException {
    ds = SinkTestSupport.migrated(db);
    end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
    long start = System.nanoTime();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT webmon_ensure_partitions_at('" + LocalDate.ofInstant(end, ZoneOffset.UTC) + "', 5, 1)");
      s.execute(
          """
          INSERT INTO target (id, version, name, url, interval_seconds, tags, spec, updated_at)
          SELECT 't' || g, 1, 'Target ' || g, 'https://t' || g || '.example.com/', 300, '{}', '{}', now()
          FROM generate_series(0, %d) g
          """
              .formatted(20 * TARGETS - 1));
      s.execute(
          """
          INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, scheduled_at,
                                    up, reason, status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us,
                                    body_bytes, http_version, remote_address)
          SELECT 't' || t, ts, gen_random_uuid(), 1, 'loc-' || l, 'agent-' || l, ts,
                 (t + n) %% 50 <> 0, CASE WHEN (t + n) %% 50 = 0 THEN 'HTTP_STATUS' END, 200, 1000, 2000, 3000, 40000, 500,
                 46500 + (n * 7919) %% 20000, 2048, 'HTTP/1.1', '203.0.113.7'
          FROM generate_series(0, %d) t, generate_series(0, %d) l, generate_series(1, %d) n,
               LATERAL (SELECT timestamptz '%s' - n * interval '5 minutes' - t * interval '1 second' AS ts) x
          """
              .formatted(TARGETS - 1, LOCATIONS - 1, CHECKS, end));
      s.execute(
          """
          INSERT INTO target_status (target_id, location, result_id, started_at, up, reason, status_code, total_us, since)
          SELECT 't' || t, 'loc-' || l, gen_random_uuid(), now(), t %% 7 <> 0, NULL, 200, 50000, now() - interval '1 day'
          FROM generate_series(0, %d) t, generate_series(0, %d) l
          """
              .formatted(20 * TARGETS - 1, LOCATIONS - 1));
      s.execute("ANALYZE");
    }
    LOG.info("Generated {} results in {} ms", ROWS, (System.nanoTime() - start) / 1_000_000);
  }

  @AfterAll
  static void close() {
    ds.close();
  }

  private static String explain(String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    LOG.info("Plan of {}\n{}", sql.strip(), plan);
    return plan.toString();
  }

  @Test
  void theDataIsAFewMillionRowsInDailyPartitions() throws SQLException {
    assertThat(SinkTestSupport.count(ds, "SELECT count(*) FROM check_result")).isEqualTo(ROWS);
    assertThat(SinkTestSupport.count(ds, "SELECT count(*) FROM check_result_default")).isZero();
  }

  @Test
  void oneTargetsResultsInATimeRangeNewestFirstUseItsPrimaryKeyBackwards() throws SQLException {
    String plan =
        explain(
            """
            SELECT result_id, started_at, location, up, reason, status_code, total_us
            FROM check_result
            WHERE target_id = 't123' AND started_at >= timestamptz '%s' AND started_at < timestamptz '%s'
            ORDER BY started_at DESC, result_id DESC
            LIMIT 100
            """
                .formatted(end.minus(2, ChronoUnit.DAYS), end));
    assertThat(plan).contains("Index Scan Backward using check_result_p").doesNotContain("Seq Scan").doesNotContain("Sort");
    assertThat(plan).doesNotContain("check_result_default"); // pruned
  }

  @Test
  void theNextPageByKeysetStaysOnTheIndex() throws SQLException {
    String plan =
        explain(
            """
            SELECT result_id, started_at FROM check_result
            WHERE target_id = 't5' AND started_at >= timestamptz '%s' AND started_at < timestamptz '%s'
              AND (started_at, result_id) < (timestamptz '%s', '00000000-0000-0000-0000-000000000000'::uuid)
              AND location = 'loc-1'
            ORDER BY started_at DESC, result_id DESC LIMIT 50
            """
                .formatted(end.minus(3, ChronoUnit.DAYS), end, end.minus(1, ChronoUnit.DAYS)));
    assertThat(plan).contains("Index Scan Backward using check_result_p").doesNotContain("Seq Scan");
  }

  @Test
  void oneTargetsLatestStatusPerLocationIsAnIndexLookup() throws SQLException {
    String plan = explain("SELECT location, up, started_at, since FROM target_status WHERE target_id = 't42' ORDER BY location");
    assertThat(plan).containsAnyOf("Index Scan using target_status_pkey", "Bitmap Index Scan on target_status_pkey").doesNotContain("Seq Scan");
  }

  @Test
  void theDashboardPageOfTargetsWithTheirLatestStatusUsesIndexes() throws SQLException {
    String plan =
        explain(
            """
            SELECT t.id, t.name, t.url, s.location, s.up, s.started_at, s.since, s.total_us
            FROM target t LEFT JOIN target_status s ON s.target_id = t.id
            ORDER BY lower(t.name), t.id
            LIMIT 50
            """);
    assertThat(plan)
        .contains("Index Scan using target_name_idx")
        .contains("target_status_pkey")
        .doesNotContain("Seq Scan");
  }

  @Test
  void theFrequencyViewsPageUsesIndexes() throws SQLException {
    String plan = explain("SELECT * FROM targets_every_5m ORDER BY id LIMIT 50");
    assertThat(plan).contains("target_status_pkey").doesNotContain("Seq Scan on check_result");
  }
}
