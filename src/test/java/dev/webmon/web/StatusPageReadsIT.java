package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.notifier.HandClock;
import dev.webmon.store.DailyUptime;
import dev.webmon.store.Jdbc;
import dev.webmon.store.MaintenanceWindows;
import dev.webmon.store.Rollups;
import dev.webmon.store.StatusPageReads;
import dev.webmon.store.StatusPages;
import dev.webmon.store.StatusPosts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A status page's model read in one round trip ({@link StatusPageReads}, the page's targets found
 * in SQL) is the model of the six reads it replaced (kept here as the reference: components, then
 * the stored ones of their targets, then uptime, incidents, posts and windows), on a page with a
 * deleted target, a target on two components, an empty component, gaps in the daily uptime,
 * maintenance checks, raw rows not rolled up yet, incidents open, resolved, too old, of another
 * lane and of targets on no component, manual posts, windows active, upcoming and covering nothing
 * of the page, and a second page whose rows must not show; and it is one round trip, also once
 * PgJDBC prepares its statements on the server.
 */
@ExtendWith(ContextResolver.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusPageReadsIT {
  private static final Instant NOW = Instant.parse("2030-05-03T10:20:00Z");

  private final StatusPages pages = new StatusPages();
  private final StatusPosts posts = new StatusPosts();
  private final MaintenanceWindows windows = new MaintenanceWindows();
  private HikariDataSource ds;

  @BeforeAll
  void setUp(ExtensionContext context) throws SQLException {
    ds = PostgresFixture.freshDatabase(context, "status_reads");
    target("t-api", "https://api.example/", "prod");
    target("t-db", "https://db.example/", "db");
    target("t-web", "https://web.example/");
    target("t-cdn", "https://cdn.example/", "edge", "prod");
    target("t-other", "https://other.example/", "db");
    target("t-idle", "https://idle.example/");
    Jdbc.transaction(ds, c -> {
      pages.insert(c, new StatusPages.Page("shop", "Shop", "", "public", true, "", NOW));
      pages.insert(c, new StatusPages.Page("other", "Other", "", "public", false, "", NOW));
      pages.addComponent(c, "shop", "API", 0, List.of("t-api"));
      pages.addComponent(c, "shop", "Database", 1, List.of("t-db", "t-gone"));
      pages.addComponent(c, "shop", "Web", 2, List.of("t-web", "t-api"));
      pages.addComponent(c, "shop", "Empty", 3, List.of());
      pages.addComponent(c, "shop", "Edge", 3, List.of("t-cdn", "t-idle"));
      pages.addComponent(c, "other", "Other", 0, List.of("t-other", "t-api"));
      posts.insert(c, "shop", "Slow checkout", "investigating", "Looking into it.", NOW.minus(Duration.ofHours(3)));
      long resolved = posts.insert(c, "shop", "Login errors", "identified", "Found it.", NOW.minus(Duration.ofDays(5)));
      posts.update(c, "shop", resolved, "resolved", "**Fixed**.", NOW.minus(Duration.ofDays(4)));
      posts.insert(c, "other", "Not on shop", "investigating", "Elsewhere.", NOW.minus(Duration.ofHours(1)));
      windows.insert(c, window("DB upgrade", new MaintenanceScope(false, List.of(), List.of("db")),
          new MaintenanceSchedule.Once(NOW.minus(Duration.ofMinutes(20)), NOW.plus(Duration.ofHours(1)))));
      windows.insert(c, window("Edge rollout", new MaintenanceScope(false, List.of("t-cdn"), List.of()),
          new MaintenanceSchedule.Weekly(Set.of(DayOfWeek.SUNDAY), LocalTime.of(2, 0), Duration.ofHours(2), ZoneId.of("Europe/Berlin"))));
      windows.insert(c, window("Nothing of shop", new MaintenanceScope(false, List.of(), List.of("lab")),
          new MaintenanceSchedule.Once(NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)))));
      return null;
    });
    LocalDate today = LocalDate.ofInstant(NOW, ZoneOffset.UTC);
    // Old days: t-api every third day (gaps), t-db with maintenance checks, t-other (another page), t-api 95 days ago (too old).
    for (int i = 2; i < 90; i += 3) {
      daily("t-api", today.minusDays(i), 1440, 1440 - i % 7, 0, 0);
    }
    for (int i = 2; i < 40; i++) {
      daily("t-db", today.minusDays(i), 288, 280 + i % 5, i % 4 == 0 ? 24 : 0, i % 8 == 0 ? 20 : 0);
    }
    daily("t-other", today.minusDays(3), 100, 1, 0, 0);
    daily("t-api", today.minusDays(95), 100, 0, 0, 0);
    // Yesterday and today: raw rows every 10 minutes, rolled up until 06:00 today (the rest is read raw).
    Instant from = today.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    int n = 0;
    for (Instant t = from.plusSeconds(17); t.isBefore(NOW); t = t.plus(Duration.ofMinutes(10))) {
      for (String target : List.of("t-api", "t-web", "t-cdn", "t-other")) {
        n++;
        result(target, t, n % 9 != 0, 50_000 + n % 7 * 1_000, n % 11 == 0);
      }
    }
    Jdbc.transaction(ds, c -> {
      Rollups.rollUp(c, from, today.atStartOfDay(ZoneOffset.UTC).toInstant().plus(Duration.ofHours(6)));
      return null;
    });
    incident("t-api", "availability", "down", NOW.minus(Duration.ofMinutes(30)), Optional.empty(), Optional.empty());
    incident("t-cdn", "availability", "degraded", NOW.minus(Duration.ofHours(2)), Optional.of(NOW.minus(Duration.ofHours(1))),
        Optional.empty());
    incident("t-db", "availability", "down", NOW.minus(Duration.ofDays(10)), Optional.empty(),
        Optional.of(NOW.minus(Duration.ofDays(10)).plus(Duration.ofHours(2))));
    incident("t-db", "availability", "down", NOW.minus(Duration.ofDays(100)), Optional.empty(), Optional.of(NOW.minus(Duration.ofDays(99))));
    incident("t-web", "certificate", "degraded", NOW.minus(Duration.ofDays(1)), Optional.empty(), Optional.empty());
    incident("t-other", "availability", "down", NOW.minus(Duration.ofHours(5)), Optional.empty(), Optional.empty());
    incident("t-gone", "availability", "down", NOW.minus(Duration.ofHours(5)), Optional.empty(), Optional.empty());
  }

  @AfterAll
  void tearDown() {
    if (ds != null) {
      ds.close();
    }
  }

  @Test
  void theModelReadInOneRoundTripIsTheModelOfTheSixReads() {
    StatusPages.Page page = Jdbc.read(ds, c -> pages.find(c, "shop")).orElseThrow();
    StatusModel expected = reference(page);
    StatusModel actual = new StatusService(ds, new HandClock(NOW)).model(page);

    assertThat(actual).isEqualTo(expected);
    // The data set reaches what it is meant to: states, incidents, maintenance, gaps, URLs.
    assertThat(actual.components()).extracting(StatusModel.ComponentView::name, StatusModel.ComponentView::state)
        .containsExactly(
            tuple("API", "major_outage"),
            tuple("Database", "maintenance"),
            tuple("Web", "partial_outage"),
            tuple("Empty", "operational"),
            tuple("Edge", "degraded"));
    assertThat(actual.maintenance().underMaintenance()).containsExactly("t-db");
    assertThat(actual.maintenance().upcoming()).extracting(StatusMaintenance.Shown::title).contains("DB upgrade", "Edge rollout")
        .doesNotContain("Nothing of shop");
    assertThat(actual.active()).extracting(StatusModel.PostView::title)
        .containsExactlyInAnyOrder("Outage: API", "Degraded performance: Edge", "Slow checkout");
    assertThat(actual.history()).extracting(StatusModel.PostView::title).containsExactlyInAnyOrder("Login errors", "Outage: Database");
    StatusModel.ComponentView api = actual.components().get(0);
    assertThat(api.days()).hasSize(StatusModel.DAYS);
    assertThat(api.days()).filteredOn(d -> d.uptime().isEmpty()).hasSizeBetween(55, 60);
    assertThat(api.urls()).containsExactly("https://api.example/");
    assertThat(actual.components().get(1).urls()).containsExactly("https://db.example/");
    assertThat(actual.components().get(1).days()).anyMatch(StatusModel.Day::maintenance);
    assertThat(api.uptime().day()).isPresent();
    assertThat(actual.components().get(3).days()).allMatch(d -> d.uptime().isEmpty());
  }

  @Test
  void eachPartIsWhatTheReadItReplacesGives() {
    StatusPageReads.Page read =
        Jdbc.read(ds, c -> new StatusPageReads().read(c, "shop", StatusModel.DAYS, NOW.minus(Duration.ofDays(90)), 200, NOW));
    Jdbc.read(ds, c -> {
      List<StatusPages.Component> components = pages.components(c, "shop");
      List<String> ids = components.stream().flatMap(k -> k.targetIds().stream()).distinct().sorted().toList();
      List<StatusPages.PageTarget> stored = pages.targets(c, ids);
      List<String> live = stored.stream().map(StatusPages.PageTarget::id).toList();
      DailyUptime.Uptime uptime = DailyUptime.read(c, live, StatusModel.DAYS, NOW);
      assertThat(read.components()).isEqualTo(components);
      assertThat(read.targets()).isEqualTo(stored);
      assertThat(live).containsExactly("t-api", "t-cdn", "t-db", "t-idle", "t-web");
      assertThat(tallies(read.uptime().days())).isEqualTo(tallies(uptime.days())).hasSizeGreaterThan(60);
      assertThat(tallies(read.uptime().last24Hours())).isEqualTo(tallies(uptime.last24Hours())).hasSize(5);
      assertThat(read.incidents()).isEqualTo(posts.incidents(c, live, NOW.minus(Duration.ofDays(90)), 200)).hasSize(3);
      assertThat(read.posts()).isEqualTo(posts.list(c, "shop", 200, 0)).hasSize(2);
      assertThat(read.windows()).isEqualTo(windows.all(c)).hasSize(3);
      return null;
    });
  }

  @Test
  void aPageWithoutComponentsReadsNothingButTheWindows() {
    Jdbc.transaction(ds, c -> pages.insert(c, new StatusPages.Page("bare", "Bare", "", "public", false, "", NOW)));
    StatusPageReads.Page read = Jdbc.read(ds, c -> new StatusPageReads().read(c, "bare", StatusModel.DAYS, NOW.minus(Duration.ofDays(90)), 200, NOW));
    assertThat(read.components()).isEmpty();
    assertThat(read.targets()).isEmpty();
    assertThat(read.uptime().days()).isEmpty();
    assertThat(read.uptime().last24Hours()).isEmpty();
    assertThat(read.incidents()).isEmpty();
    assertThat(read.posts()).isEmpty();
    assertThat(read.windows()).hasSize(3);
  }

  @Test
  void theReadIsOneRoundTripAlsoOncePreparedOnTheServer() throws SQLException {
    // PgJDBC logs each Sync it sends (one per round trip) at FINEST; past its prepareThreshold (5)
    // the statements are prepared on the server, where a described one would split the batch.
    AtomicInteger syncs = new AtomicInteger();
    Handler counter =
        new Handler() {
          @Override
          public void publish(LogRecord r) {
            if (r.getMessage() != null && r.getMessage().contains("FE=> Sync")) {
              syncs.incrementAndGet();
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger driver = Logger.getLogger("org.postgresql");
    Level level = driver.getLevel();
    StatusPageReads reads = new StatusPageReads();
    try (Connection c = ds.getConnection()) {
      for (int i = 0; i < 8; i++) {
        reads.read(c, "shop", StatusModel.DAYS, NOW.minus(Duration.ofDays(90)), 200, NOW);
      }
      driver.addHandler(counter);
      driver.setLevel(Level.FINEST);
      StatusPageReads.Page read = reads.read(c, "shop", StatusModel.DAYS, NOW.minus(Duration.ofDays(90)), 200, NOW);
      driver.setLevel(level);
      assertThat(read.components()).hasSize(5);
    } finally {
      driver.setLevel(level);
      driver.removeHandler(counter);
    }
    assertThat(syncs).as("round trips of one read").hasValue(1);
  }

  /** What {@code StatusService} computed before {@link StatusPageReads}: six reads, the later ones on the first ones' answers. */
  private StatusModel reference(StatusPages.Page page) {
    return Jdbc.read(ds, c -> {
      List<StatusPages.Component> components = pages.components(c, page.slug());
      List<String> ids = components.stream().flatMap(k -> k.targetIds().stream()).distinct().sorted().toList();
      List<StatusPages.PageTarget> stored = pages.targets(c, ids);
      List<String> live = stored.stream().map(StatusPages.PageTarget::id).toList();
      DailyUptime.Uptime uptime = DailyUptime.read(c, live, StatusModel.DAYS, NOW);
      Map<String, List<String>> tags = new HashMap<>();
      stored.forEach(t -> tags.put(t.id(), t.tags()));
      return StatusModel.build(
          page, components, stored, uptime.days(), uptime.last24Hours(),
          posts.incidents(c, live, NOW.minus(Duration.ofDays(StatusModel.DAYS)), StatusService.MAX_POSTS),
          posts.list(c, page.slug(), StatusService.MAX_POSTS, 0),
          StatusMaintenance.of(windows.all(c), tags, NOW), NOW);
    });
  }

  /** Tallies in a fixed order; the mean's sum to a micro-second (its float sum may differ in the last bits). */
  private static List<String> tallies(List<DailyUptime.Tally> tallies) {
    return tallies.stream()
        .sorted(Comparator.comparing(DailyUptime.Tally::targetId).thenComparing(DailyUptime.Tally::day))
        .map(t -> String.format(Locale.ROOT, "%s %s %d %d %.0f %d %d", t.targetId(), t.day(), t.checks(), t.upChecks(),
            t.totalUsSum(), t.maintenanceChecks(), t.maintenanceUpChecks()))
        .toList();
  }

  private static MaintenanceWindow window(String title, MaintenanceScope scope, MaintenanceSchedule schedule) {
    return new MaintenanceWindow(UUID.randomUUID(), 1, title, "", scope, schedule, NOW.minus(Duration.ofDays(1)));
  }

  private void target(String id, String url, String... tags) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO target (id, version, name, url, interval_seconds, tags, spec, updated_at) "
                    + "VALUES (?, 1, ?, ?, 60, ?, '{}'::jsonb, ?)")) {
      ps.setString(1, id);
      ps.setString(2, "internal-" + id);
      ps.setString(3, url);
      ps.setArray(4, c.createArrayOf("text", tags));
      ps.setTimestamp(5, Timestamp.from(NOW));
      ps.executeUpdate();
    }
  }

  private void daily(String target, LocalDate day, int checks, int up, int maintenance, int maintenanceUp) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_uptime_daily (target_id, day, checks, up_checks, total_us_sum, maintenance_checks, "
                    + "maintenance_up_checks) VALUES (?, ?, ?, ?, ? * 120000.0, ?, ?)")) {
      ps.setString(1, target);
      ps.setObject(2, day);
      ps.setInt(3, checks);
      ps.setInt(4, up);
      ps.setInt(5, checks);
      ps.setInt(6, maintenance);
      ps.setInt(7, maintenanceUp);
      ps.executeUpdate();
    }
  }

  private void result(String target, Instant at, boolean up, long totalUs, boolean maintenance) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO check_result (target_id, started_at, result_id, target_version, location, agent_id, "
                    + "scheduled_at, up, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, maintenance) "
                    + "VALUES (?, ?, ?, 1, 'eu', 'a', ?, ?, 0, 0, 0, 0, 0, ?, 0, ?)")) {
      ps.setString(1, target);
      ps.setTimestamp(2, Timestamp.from(at));
      ps.setObject(3, UUID.randomUUID());
      ps.setTimestamp(4, Timestamp.from(at));
      ps.setBoolean(5, up);
      ps.setLong(6, totalUs);
      ps.setBoolean(7, maintenance);
      ps.executeUpdate();
    }
  }

  private void incident(String target, String lane, String severity, Instant opened, Optional<Instant> acknowledged, Optional<Instant> resolved)
      throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO incident (id, target_id, target_name, lane, state, severity, opened_at, acknowledged_at, resolved_at, "
                    + "last_seq, updated_at, cause_result_id, policy, locations) VALUES (?, ?, 'internal', ?, ?, ?, ?, ?, ?, 1, ?, ?, 'default', '[]')")) {
      ps.setObject(1, UUID.randomUUID());
      ps.setString(2, target);
      ps.setString(3, lane);
      ps.setString(4, resolved.isPresent() ? "resolved" : acknowledged.isPresent() ? "acknowledged" : "open");
      ps.setString(5, severity);
      ps.setTimestamp(6, Timestamp.from(opened));
      ps.setTimestamp(7, acknowledged.map(Timestamp::from).orElse(null));
      ps.setTimestamp(8, resolved.map(Timestamp::from).orElse(null));
      ps.setTimestamp(9, Timestamp.from(resolved.orElse(opened)));
      ps.setObject(10, UUID.randomUUID());
      ps.executeUpdate();
    }
  }
}
