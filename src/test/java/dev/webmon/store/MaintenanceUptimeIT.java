package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Results flagged maintenance through the rollups (V23): the hourly and daily counts, and uptime
 * with and without them from {@link DailyUptime} (daily table, recent days, last 24 h) and {@link
 * TargetStats} (raw and hourly windows), on a real PostgreSQL with exactly computed figures.
 */
@ExtendWith(PostgresExtension.class)
class MaintenanceUptimeIT {
  /** The day with maintenance: 16 checks, 11 up; 4 of them in maintenance, 1 of those up. */
  private static final LocalDate DAY = LocalDate.parse("2030-03-10");
  private static final Instant START = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
  private static final Instant H10 = START.plus(Duration.ofHours(10));
  private static final Instant H11 = START.plus(Duration.ofHours(11));

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

  private void insert(String target, String location, Instant startedAt, boolean up, boolean maintenance) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, "
                    + "scheduled_at, up, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, maintenance) "
                    + "VALUES (?, ?, ?, 1, ?, 'a', ?, ?, 0, 0, 0, 0, 0, 1000, 0, ?)")) {
      ps.setString(1, target);
      ps.setTimestamp(2, Timestamp.from(startedAt));
      ps.setObject(3, UUID.randomUUID());
      ps.setString(4, location);
      ps.setTimestamp(5, Timestamp.from(startedAt));
      ps.setBoolean(6, up);
      ps.setBoolean(7, maintenance);
      ps.executeUpdate();
    }
  }

  /** 10:00 on eu: 10 checks, 8 up, none in maintenance; 11:00 on us: 2 up, then 4 in maintenance (1 up). */
  private void theDay(String target) throws SQLException {
    for (int i = 0; i < 10; i++) {
      insert(target, "eu", H10.plusSeconds(60L * i), i < 8, false);
    }
    insert(target, "us", H11.plusSeconds(10), true, false);
    insert(target, "us", H11.plusSeconds(20), true, false);
    insert(target, "us", H11.plusSeconds(30), true, true);
    for (int i = 0; i < 3; i++) {
      insert(target, "us", H11.plusSeconds(40L + i), false, true);
    }
  }

  private List<Long> longs(String sql, Object... params) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i] instanceof Instant t ? Timestamp.from(t) : params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as(sql).isTrue();
        List<Long> out = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          out.add(rs.getLong(i));
        }
        return out;
      }
    }
  }

  @Test
  void aNewResultIsNotInMaintenanceByDefault() throws Exception {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, "
                    + "scheduled_at, up, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes) "
                    + "VALUES ('d', now(), gen_random_uuid(), 1, 'eu', 'a', now(), true, 0, 0, 0, 0, 0, 1, 0)")) {
      ps.executeUpdate();
    }
    assertThat(longs("SELECT count(*) FILTER (WHERE maintenance), count(*) FROM check_result WHERE target_id = 'd'"))
        .containsExactly(0L, 1L);
  }

  @Test
  void rollupsCountMaintenanceChecksPerHourAndDay() throws Exception {
    theDay("m");
    Jdbc.transaction(ds, c -> {
      Rollups.rollUp(c, START, START.plus(Duration.ofDays(1)));
      return null;
    });

    String hourly =
        "SELECT checks, up_checks, maintenance_checks, maintenance_up_checks FROM check_rollup_hourly "
            + "WHERE target_id = ? AND location = ? AND hour = ?";
    assertThat(longs(hourly, "m", "eu", H10)).containsExactly(10L, 8L, 0L, 0L);
    assertThat(longs(hourly, "m", "us", H11)).containsExactly(6L, 3L, 4L, 1L);
    assertThat(longs(
            "SELECT checks, up_checks, maintenance_checks, maintenance_up_checks FROM check_uptime_daily "
                + "WHERE target_id = 'm' AND day = ?::date", DAY.toString()))
        .containsExactly(16L, 11L, 4L, 1L);

    // An old day comes from check_uptime_daily.
    Instant later = START.plus(Duration.ofDays(10));
    List<DailyUptime.Tally> days = Jdbc.read(ds, c -> DailyUptime.read(c, List.of("m"), 30, later).days());
    assertThat(days).hasSize(1);
    assertTally(days.get(0), DAY);

    // Yesterday comes from webmon_hourly (the rollups here): the same counts.
    Instant nextDay = START.plus(Duration.ofHours(24 + 1));
    List<DailyUptime.Tally> recent = Jdbc.read(ds, c -> DailyUptime.read(c, List.of("m"), 3, nextDay).days());
    assertThat(recent).hasSize(1);
    assertTally(recent.get(0), DAY);

    // Both uptime figures of the target stats API: a raw window and an hourly one.
    TargetStats stats = new TargetStats(ds, Clock.fixed(START.plus(Duration.ofHours(20)), ZoneOffset.UTC));
    for (String window : List.of("24h", "7d")) {
      TargetStats.Stats s = stats.stats("m", window);
      assertThat(s.exact()).isEqualTo(window.equals("24h"));
      assertThat(s.checks()).as(window).isEqualTo(16);
      assertThat(s.maintenanceChecks()).as(window).isEqualTo(4);
      assertThat(s.uptimePercent()).as(window).isEqualTo(68.75); // 11 / 16
      assertThat(s.uptimeExcludingMaintenancePercent()).as(window).isEqualTo(83.333); // 10 / 12
    }
  }

  private static void assertTally(DailyUptime.Tally t, LocalDate day) {
    assertThat(t.day()).isEqualTo(day);
    assertThat(List.of(t.checks(), t.upChecks(), t.maintenanceChecks(), t.maintenanceUpChecks())).containsExactly(16L, 11L, 4L, 1L);
    assertThat(t.checksExcludingMaintenance()).isEqualTo(12);
    assertThat(t.upChecksExcludingMaintenance()).isEqualTo(10);
  }

  @Test
  void theResultsApiShowsTheFlagPerResult() throws Exception {
    insert("api", "eu", H10, true, false);
    insert("api", "eu", H11, false, true);
    ResultPages.ResultPage page = new ResultPages(ds).results(ResultPages.Query.of("api", START, START.plus(Duration.ofDays(1)), 10));
    assertThat(page.items()).extracting(ResultPages.ResultItem::startedAt, ResultPages.ResultItem::maintenance)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(H11, true), org.assertj.core.groups.Tuple.tuple(H10, false));
  }

  @Test
  void rawRowsNotRolledUpYetCountToo() throws Exception {
    theDay("raw");
    Instant evening = START.plus(Duration.ofHours(23));
    List<DailyUptime.Tally> last24 = Jdbc.read(ds, c -> DailyUptime.read(c, List.of("raw"), 1, evening).last24Hours());
    assertThat(last24).hasSize(1);
    assertTally(last24.get(0), DAY);
    List<DailyUptime.Tally> today = Jdbc.read(ds, c -> DailyUptime.read(c, List.of("raw"), 90, evening).days());
    assertThat(today).hasSize(1);
    assertTally(today.get(0), DAY);

    // A window wholly in maintenance has no figure excluding it.
    insert("all-maint", "eu", H10, true, true);
    TargetStats.Stats s = new TargetStats(ds, Clock.fixed(evening, ZoneOffset.UTC)).stats("all-maint", "24h");
    assertThat(s.uptimePercent()).isEqualTo(100.0);
    assertThat(s.maintenanceChecks()).isEqualTo(1);
    assertThat(s.uptimeExcludingMaintenancePercent()).isNull();
  }
}
