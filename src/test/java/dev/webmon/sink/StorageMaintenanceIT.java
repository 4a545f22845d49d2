package dev.webmon.sink;

import static dev.webmon.sink.SinkTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Partitions, rollups and retention with a fake clock in 2030, against a real PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class StorageMaintenanceIT {
  private static final Instant NOW = Instant.parse("2030-06-15T12:34:00Z");

  private HikariDataSource ds;
  private final AtomicReference<Instant> clock = new AtomicReference<>(NOW);
  private final InstantSource source = clock::get;

  @BeforeEach
  void setUp(TestDatabase db) {
    ds = SinkTestSupport.migrated(db);
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  private StorageMaintenance maintenance(String... overrides) {
    Map<String, String> map = new java.util.HashMap<>();
    for (int i = 0; i < overrides.length; i += 2) {
      map.put(overrides[i], overrides[i + 1]);
    }
    return new StorageMaintenance(ds, SinkConfig.defaults(map), source, Duration.ofMillis(200));
  }

  private void insert(String target, String location, Instant startedAt, boolean up, long totalUs) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, "
                    + "scheduled_at, up, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes) "
                    + "VALUES (?, ?, ?, 1, ?, 'a', ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
      ps.setString(1, target);
      ps.setTimestamp(2, Timestamp.from(startedAt));
      ps.setObject(3, UUID.randomUUID());
      ps.setString(4, location);
      ps.setTimestamp(5, Timestamp.from(startedAt));
      ps.setBoolean(6, up);
      ps.setLong(7, totalUs / 10);
      ps.setLong(8, 2 * totalUs / 10);
      ps.setLong(9, 0);
      ps.setLong(10, totalUs / 2);
      ps.setLong(11, 1);
      ps.setLong(12, totalUs);
      ps.executeUpdate();
    }
  }

  private String partitionOf(String target) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tableoid::regclass::text FROM check_result WHERE target_id = '" + target + "'")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  private List<String> partitions() throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      return new ArrayList<>(StorageMaintenance.partitionNames(c).stream().filter(n -> n.contains("p2030")).toList());
    }
  }

  @Test
  void statusRowsOfTargetsNoLongerStoredAreDeleted() throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      new dev.webmon.store.Targets().upsert(c, Fixtures.target("kept", 1));
      // "gone": a row a batch inserted while another transaction deleted the target
      s.execute(
          """
          INSERT INTO target_status (target_id, location, result_id, started_at, up, total_us, since)
          SELECT id, 'eu', gen_random_uuid(), now(), true, 1, now() FROM (VALUES ('kept'), ('gone')) AS v(id)
          """);
    }

    StorageMaintenance.Report report = maintenance().runOnce();

    assertThat(report.orphanStatusRowsDeleted()).isEqualTo(1);
    assertThat(SinkTestSupport.count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'gone'")).isZero();
    assertThat(SinkTestSupport.count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'kept'")).isEqualTo(1);
  }

  @Test
  void createsDailyPartitionsAheadAndMovesRowsTheDefaultPartitionCaught() throws Exception {
    insert("early", "eu", Instant.parse("2030-06-16T01:00:00Z"), true, 1000);
    assertThat(partitionOf("early")).isEqualTo("check_result_default");

    StorageMaintenance.Report report = maintenance("sink.partitions-ahead", "3").runOnce();

    assertThat(report.ran()).isTrue();
    assertThat(report.partitionsCreated()).isEqualTo(5);
    assertThat(partitions())
        .containsExactly(
            "check_result_p20300614", "check_result_p20300615", "check_result_p20300616", "check_result_p20300617",
            "check_result_p20300618");
    assertThat(partitionOf("early")).isEqualTo("check_result_p20300616");
    assertThat(count(ds, "SELECT count(*) FROM check_result_default")).isZero();
    // Bounds are midnight UTC whatever the session time zone.
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("SET TIME ZONE 'Asia/Kolkata'");
      try (ResultSet rs =
          s.executeQuery(
              "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'check_result_p20300616'")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("FOR VALUES FROM ('2030-06-16 05:30:00+05:30') TO ('2030-06-17 05:30:00+05:30')");
      }
    }
    assertThat(maintenance("sink.partitions-ahead", "3").runOnce().partitionsCreated()).isZero();
  }

  @Test
  void rollsUpClosedHoursWithExactFiguresAndRecomputesDirtyHours() throws Exception {
    Instant hour = Instant.parse("2030-06-15T11:00:00Z");
    for (int i = 1; i <= 100; i++) {
      insert("a", "eu", hour.plusSeconds(30L * i), i <= 90, i);
    }
    insert("a", "us", hour.plusSeconds(5), false, 7_000);
    insert("a", "eu", Instant.parse("2030-06-15T12:10:00Z"), true, 1); // open hour: not yet

    StorageMaintenance.Report report = maintenance().runOnce();

    assertThat(report.hoursRolledUp()).isEqualTo(30 * 24);
    assertThat(rollup("a", "eu", hour)).isEqualTo(List.of(100L, 90L, 1L, 51L, 100L, 50L, 95L, 99L, 5L, 10L, 0L, 25L, 1L));
    assertThat(rollup("a", "us", hour)).isEqualTo(List.of(1L, 0L, 7000L, 7000L, 7000L, 7000L, 7000L, 7000L, 700L, 1400L, 0L, 3500L, 1L));
    assertThat(count(ds, "SELECT count(*) FROM check_rollup_hourly")).isEqualTo(2);
    assertThat(count(ds, "SELECT extract(epoch FROM done_until)::bigint FROM maintenance_state WHERE job = 'rollup_hourly'"))
        .isEqualTo(Instant.parse("2030-06-15T12:00:00Z").getEpochSecond());

    // A late row (the sink marks its hour) is counted at the next run; the run is idempotent.
    insert("a", "eu", hour.plusSeconds(3599), true, 1_000_000);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO check_rollup_dirty (hour) VALUES (?)")) {
      ps.setTimestamp(1, Timestamp.from(hour));
      ps.executeUpdate();
    }
    StorageMaintenance.Report second = maintenance().runOnce();
    assertThat(second.hoursRolledUp()).isZero();
    assertThat(second.dirtyHoursRecomputed()).isEqualTo(1);
    assertThat(rollup("a", "eu", hour).subList(0, 5)).isEqualTo(List.of(101L, 91L, 1L, 9951L, 1_000_000L));
    assertThat(count(ds, "SELECT count(*) FROM check_rollup_dirty")).isZero();

    // An hour later the 12:00 hour is closed too.
    clock.set(NOW.plus(Duration.ofHours(1)));
    assertThat(maintenance().runOnce().hoursRolledUp()).isEqualTo(1);
    assertThat(rollup("a", "eu", Instant.parse("2030-06-15T12:00:00Z")).subList(0, 2)).isEqualTo(List.of(1L, 1L));
  }

  private List<Long> rollup(String target, String location, Instant hour) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT checks, up_checks, min_total_us, avg_total_us, max_total_us, p50_total_us, p95_total_us, "
                    + "p99_total_us, avg_dns_us, avg_connect_us, avg_tls_us, avg_ttfb_us, avg_transfer_us "
                    + "FROM check_rollup_hourly WHERE target_id = ? AND location = ? AND hour = ?")) {
      ps.setString(1, target);
      ps.setString(2, location);
      ps.setTimestamp(3, Timestamp.from(hour));
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("rollup %s/%s %s", target, location, hour).isTrue();
        List<Long> values = new ArrayList<>();
        for (int i = 1; i <= 13; i++) {
          values.add(rs.getLong(i));
        }
        return values;
      }
    }
  }

  @Test
  void retentionDropsWholePartitionsOnceRolledUpAndDeletesOldRollups() throws Exception {
    String[] config = {"sink.raw-retention", "2d", "sink.rollup-retention", "3d", "sink.partitions-ahead", "3"};
    insert("d14", "eu", Instant.parse("2030-06-14T10:00:00Z"), true, 10);
    insert("d15", "eu", Instant.parse("2030-06-15T10:00:00Z"), true, 10);
    insert("d16", "eu", Instant.parse("2030-06-16T10:00:00Z"), true, 10);
    insert("skewed", "eu", Instant.parse("2030-06-13T20:00:00Z"), true, 10); // no partition: stays in DEFAULT
    maintenance(config).runOnce(); // partitions 14..18 June, rollups until the 15th 12:00

    clock.set(Instant.parse("2030-06-18T00:30:00Z"));
    StorageMaintenance.Report report = maintenance(config).runOnce();

    assertThat(report.partitionsDropped()).containsExactly("check_result_p20300614", "check_result_p20300615");
    assertThat(partitions()).doesNotContain("check_result_p20300614", "check_result_p20300615").contains("check_result_p20300616");
    assertThat(count(ds, "SELECT count(*) FROM check_result WHERE target_id IN ('d14', 'd15', 'skewed')")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM check_result WHERE target_id = 'd16'")).isEqualTo(1);
    assertThat(report.defaultRowsDeleted()).isEqualTo(1);
    // Rollups were computed before the drop; those older than 3 days are gone.
    assertThat(count(ds, "SELECT count(*) FROM check_rollup_hourly WHERE target_id IN ('d14', 'skewed')")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM check_rollup_hourly WHERE target_id IN ('d15', 'd16')")).isEqualTo(2);
    assertThat(report.rollupsDeleted()).isEqualTo(2);
    // Partitions ahead of the new today.
    assertThat(partitions()).contains("check_result_p20300621");
  }

  @Test
  void aPartitionLockedByIngestionIsDroppedAtALaterRunWithoutBlocking() throws Exception {
    String[] config = {"sink.raw-retention", "1d", "sink.rollup-retention", "1d", "sink.partitions-ahead", "1"};
    maintenance(config).runOnce();
    insert("old", "eu", Instant.parse("2030-06-14T10:00:00Z"), true, 10);
    clock.set(Instant.parse("2030-06-16T00:30:00Z"));
    try (Connection ingestion = ds.getConnection()) {
      ingestion.setAutoCommit(false);
      try (Statement s = ingestion.createStatement()) {
        s.executeQuery("SELECT count(*) FROM check_result").close(); // holds ACCESS SHARE like a dashboard query
      }
      long start = System.nanoTime();
      StorageMaintenance.Report blocked = maintenance(config).runOnce();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
      assertThat(blocked.partitionsDropped()).isEmpty();
      ingestion.commit();
    }
    assertThat(maintenance(config).runOnce().partitionsDropped()).containsExactly("check_result_p20300614");
  }

  @Test
  void onlyOneInstanceRunsAtATime() throws Exception {
    try (Connection other = ds.getConnection();
        PreparedStatement ps = other.prepareStatement("SELECT pg_advisory_lock(?)")) {
      ps.setLong(1, StorageMaintenance.LOCK_KEY);
      ps.execute();
      assertThat(maintenance().runOnce().ran()).isFalse();
      try (PreparedStatement unlock = other.prepareStatement("SELECT pg_advisory_unlock(?)")) {
        unlock.setLong(1, StorageMaintenance.LOCK_KEY);
        unlock.execute();
      }
    }
    assertThat(maintenance().runOnce().ran()).isTrue();
  }
}
