package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link DailyUptime#read} gives what the status pages read before it existed, two statements over
 * {@code webmon_hourly} (kept here as the reference): for targets whose rollup lags by different
 * amounts, with two locations, maintenance flags and raw rows in the first, partial hour of the 24
 * hours, at instants across two days, including the newest rolled-up hour just before the 24 hours.
 */
@ExtendWith(PostgresExtension.class)
class DailyUptimeIT {
  private static final Instant START = LocalDate.parse("2030-05-01").atStartOfDay(ZoneOffset.UTC).toInstant();

  private static final String REFERENCE_DAYS =
      """
      SELECT d.target_id, d.day::text AS day, d.checks, d.up_checks, d.total_us_sum, d.maintenance_checks, d.maintenance_up_checks
      FROM check_uptime_daily d
      WHERE d.target_id = ANY(?) AND d.day >= CAST(? AS date) AND d.day < CAST(? AS date)
      UNION ALL
      SELECT t.target_id, ((h.hour AT TIME ZONE 'UTC')::date)::text, sum(h.checks), sum(h.up_checks),
             sum(h.avg_total_us * h.checks), sum(h.maintenance_checks), sum(h.maintenance_up_checks)
      FROM unnest(?::text[]) AS t (target_id), LATERAL webmon_hourly(t.target_id, ?, ?) h
      GROUP BY 1, 2
      """;

  private static final String REFERENCE_24H =
      """
      SELECT t.target_id, NULL AS day, coalesce(sum(h.checks), 0), coalesce(sum(h.up_checks), 0),
             coalesce(sum(h.avg_total_us * h.checks), 0), coalesce(sum(h.maintenance_checks), 0),
             coalesce(sum(h.maintenance_up_checks), 0)
      FROM unnest(?::text[]) AS t (target_id) LEFT JOIN LATERAL webmon_hourly(t.target_id, ?, ?) h ON true
      GROUP BY 1
      """;

  private static final List<String> TARGETS = List.of("lag1", "lag3", "lag30", "none", "empty");

  private HikariDataSource ds;

  @BeforeEach
  void setUp(TestDatabase db) {
    ds = Database.pool(db.config(), "test");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  @Test
  void readGivesWhatWebmonHourlyGives() throws Exception {
    Random random = new Random(14);
    // 60 hours of results, every 7 minutes on eu and every 11 on us; "empty" has none.
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, "
                    + "scheduled_at, up, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, maintenance) "
                    + "VALUES (?, ?, ?, 1, ?, 'a', ?, ?, 0, 0, 0, 0, 0, ?, 0, ?)")) {
      for (String target : TARGETS.subList(0, 4)) {
        for (String location : List.of("eu", "us")) {
          for (Instant t = START.plusSeconds(location.equals("eu") ? 13 : 101); t.isBefore(START.plus(Duration.ofHours(60)));
              t = t.plus(Duration.ofMinutes(location.equals("eu") ? 7 : 11))) {
            ps.setString(1, target);
            ps.setTimestamp(2, Timestamp.from(t));
            ps.setObject(3, UUID.randomUUID());
            ps.setString(4, location);
            ps.setTimestamp(5, Timestamp.from(t));
            ps.setBoolean(6, random.nextInt(10) != 0);
            ps.setLong(7, 1_000 + random.nextInt(900_000));
            ps.setBoolean(8, random.nextInt(6) == 0);
            ps.addBatch();
          }
        }
      }
      ps.executeBatch();
    }
    // Rolled up to 45 h for every target; then lag1 to 59 h, lag3 to 57 h; "none" never.
    rollUp(START, START.plus(Duration.ofHours(45)));
    execute("DELETE FROM check_rollup_hourly WHERE target_id = 'none'");
    execute("DELETE FROM check_uptime_daily WHERE target_id = 'none'");
    rollUp(START.plus(Duration.ofHours(45)), START.plus(Duration.ofHours(57)));
    execute("DELETE FROM check_rollup_hourly WHERE target_id IN ('lag30', 'none') AND hour >= '" + START.plus(Duration.ofHours(45)) + "'");
    rollUp(START.plus(Duration.ofHours(57)), START.plus(Duration.ofHours(59)));
    execute("DELETE FROM check_rollup_hourly WHERE target_id IN ('lag3', 'lag30', 'none') AND hour >= '" + START.plus(Duration.ofHours(57)) + "'");

    List<Instant> instants = new ArrayList<>();
    for (int minutes = 24 * 60 + 17; minutes <= 62 * 60; minutes += 53) {
      instants.add(START.plus(Duration.ofMinutes(minutes)));
    }
    // the newest rolled-up hour of lag30 (44:00) just before the 24 hours (from 44:20)
    instants.add(START.plus(Duration.ofHours(68)).plus(Duration.ofMinutes(20)));
    instants.add(START.plus(Duration.ofHours(48)));
    int compared = 0;
    for (Instant now : instants) {
      for (int days : List.of(1, 3, 90)) {
        DailyUptime.Uptime read = Jdbc.read(ds, c -> DailyUptime.read(c, TARGETS, days, now));
        assertSame(read.days(), reference(REFERENCE_DAYS, days, now), now + " days " + days);
        assertSame(read.last24Hours(), reference(REFERENCE_24H, days, now), now + " 24 h");
        compared += read.days().size();
      }
    }
    assertThat(compared).as("tallies compared").isGreaterThan(500);
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate(sql);
    }
  }

  private void rollUp(Instant from, Instant to) {
    Jdbc.transaction(ds, c -> {
      Rollups.rollUp(c, from, to);
      return null;
    });
  }

  private static void assertSame(List<DailyUptime.Tally> actual, List<DailyUptime.Tally> expected, String what) {
    Comparator<DailyUptime.Tally> order = Comparator.comparing(DailyUptime.Tally::targetId).thenComparing(DailyUptime.Tally::day);
    List<DailyUptime.Tally> a = actual.stream().sorted(order).toList();
    List<DailyUptime.Tally> e = expected.stream().sorted(order).toList();
    assertThat(a).as(what).extracting(t -> t.targetId() + " " + t.day() + " " + t.checks() + " " + t.upChecks() + " "
            + t.maintenanceChecks() + " " + t.maintenanceUpChecks())
        .containsExactlyElementsOf(e.stream().map(t -> t.targetId() + " " + t.day() + " " + t.checks() + " " + t.upChecks() + " "
            + t.maintenanceChecks() + " " + t.maintenanceUpChecks()).toList());
    for (int i = 0; i < a.size(); i++) {
      assertThat(a.get(i).totalUsSum()).as(what + " " + a.get(i)).isCloseTo(e.get(i).totalUsSum(), within(1e-6 * Math.max(1, e.get(i).totalUsSum())));
    }
  }

  /** The former statements; the 24 hours' tallies carry today's date, as {@link DailyUptime#read} gives them. */
  private List<DailyUptime.Tally> reference(String sql, int days, Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    LocalDate recent = today.minusDays(1);
    List<DailyUptime.Tally> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      java.sql.Array targets = c.createArrayOf("text", TARGETS.toArray());
      if (sql.equals(REFERENCE_DAYS)) {
        ps.setArray(1, targets);
        ps.setString(2, today.minusDays(days - 1L).toString());
        ps.setString(3, recent.toString());
        ps.setArray(4, targets);
        ps.setTimestamp(5, Timestamp.from(recent.atStartOfDay(ZoneOffset.UTC).toInstant()));
        ps.setTimestamp(6, Timestamp.from(now));
      } else {
        ps.setArray(1, targets);
        ps.setTimestamp(2, Timestamp.from(now.minus(Duration.ofHours(24))));
        ps.setTimestamp(3, Timestamp.from(now));
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new DailyUptime.Tally(
              rs.getString(1), rs.getString(2) == null ? today : LocalDate.parse(rs.getString(2)), rs.getLong(3), rs.getLong(4),
              rs.getDouble(5), rs.getLong(6), rs.getLong(7)));
        }
      }
    }
    return out;
  }
}
