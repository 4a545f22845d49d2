package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The web's incident reads on a real PostgreSQL, on rows written as the sink writes them: the
 * order (active first, then resolved, newest first), every filter, keyset paging across the
 * boundary, the detail with its timeline and failing results, the targets list's status from the
 * open incident, and the plans that keep the list and the targets list on the partial index.
 */
@ExtendWith(PostgresExtension.class)
class IncidentReadsIT {
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private HikariDataSource ds;
  private IncidentReads reads;

  @BeforeEach
  void setUp(TestDatabase db) {
    ds = Database.pool(db.config(), "test");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    reads = new IncidentReads(ds);
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  private UUID incident(String target, String severity, String state, int openedMinutesAgo) throws SQLException {
    UUID id = UUID.randomUUID();
    Instant opened = NOW.minus(openedMinutesAgo, ChronoUnit.MINUTES);
    IncidentRows.incident(
        ds, id, target, severity, state, opened, state.equals("resolved") ? opened.plusSeconds(600) : null,
        UUID.randomUUID(), IncidentRows.locations("a", "DOWN", "TIMEOUT", null, "b", "UP", null, null));
    return id;
  }

  private static List<UUID> ids(IncidentReads.Page page) {
    return page.items().stream().map(IncidentReads.Incident::id).toList();
  }

  @Test
  void activeIncidentsComeFirstThenResolvedEachNewestFirstAndPagesFollowByKeyset() throws SQLException {
    UUID oldResolved = incident("t1", "down", "resolved", 300);
    UUID newResolved = incident("t2", "degraded", "resolved", 10);
    UUID oldOpen = incident("t3", "down", "open", 200);
    UUID acked = incident("t4", "no-data", "acknowledged", 100);
    UUID newOpen = incident("t5", "certificate", "open", 5);

    assertThat(ids(reads.list(IncidentReads.Query.first(50)))).containsExactly(newOpen, acked, oldOpen, newResolved, oldResolved);

    List<UUID> paged = new ArrayList<>();
    IncidentReads.Page page = reads.list(IncidentReads.Query.first(2));
    int pages = 1;
    paged.addAll(ids(page));
    while (page.nextCursor() != null) {
      page = reads.list(IncidentReads.Query.first(2).after(IncidentReads.Cursor.parse(page.nextCursor()).orElseThrow()));
      paged.addAll(ids(page));
      pages++;
    }
    assertThat(paged).containsExactly(newOpen, acked, oldOpen, newResolved, oldResolved);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void everyFilterNarrowsTheList() throws SQLException {
    UUID resolved = incident("t1", "down", "resolved", 300);
    UUID open = incident("t1", "degraded", "open", 20);
    UUID acked = incident("t2", "down", "acknowledged", 100);

    assertThat(ids(reads.list(IncidentReads.Query.first(50).state("open")))).containsExactly(open);
    assertThat(ids(reads.list(IncidentReads.Query.first(50).state("acknowledged")))).containsExactly(acked);
    assertThat(ids(reads.list(IncidentReads.Query.first(50).state("resolved")))).containsExactly(resolved);
    assertThat(ids(reads.list(IncidentReads.Query.first(50).target("t1")))).containsExactly(open, resolved);
    assertThat(ids(reads.list(IncidentReads.Query.first(50).severity("down")))).containsExactly(acked, resolved);
    // Active at some time in [from, to): the resolved one ended 290 min ago.
    assertThat(ids(reads.list(IncidentReads.Query.first(50).from(NOW.minus(280, ChronoUnit.MINUTES))))).containsExactly(open, acked);
    assertThat(ids(reads.list(IncidentReads.Query.first(50).to(NOW.minus(50, ChronoUnit.MINUTES))))).containsExactly(acked, resolved);
    assertThat(reads.list(IncidentReads.Query.first(50).target("t2").state("open")).items()).isEmpty();
  }

  @Test
  void theDetailHasTheTimelineAndTheFailingResultsByTheirIds() throws SQLException {
    Instant opened = NOW.minus(30, ChronoUnit.MINUTES);
    UUID causeId = IncidentRows.resultId(opened.minusSeconds(120));
    UUID sinceB = UUID.randomUUID(); // an id without a time: found by the incident's time range
    IncidentRows.result(ds, "t1", "a", opened.minusSeconds(120), causeId, false, "TIMEOUT");
    IncidentRows.result(ds, "t1", "b", opened.minusSeconds(60), sinceB, false, "HTTP_STATUS");
    IncidentRows.result(ds, "t1", "a", opened.minusSeconds(60), IncidentRows.resultId(opened.minusSeconds(60)), false, "TIMEOUT");
    IncidentRows.result(ds, "t2", "a", opened.minusSeconds(120), UUID.randomUUID(), false, "TIMEOUT");
    UUID id = UUID.randomUUID();
    String locations = IncidentRows.locations("a", "DOWN", "TIMEOUT", causeId, "b", "DOWN", "HTTP_STATUS", sinceB, "c", "UP", null, null);
    IncidentRows.incident(ds, id, "t1", "down", "open", opened, null, causeId, locations);
    IncidentRows.event(ds, id, 1, "OPENED", "down", opened, IncidentRows.locations("a", "DOWN", "TIMEOUT", causeId), null);
    IncidentRows.event(ds, id, 2, "UPDATED", "down", opened.plusSeconds(60), locations, null);

    IncidentReads.Detail d = reads.detail(id, NOW).orElseThrow();

    assertThat(d.incident().targetId()).isEqualTo("t1");
    assertThat(d.incident().locations()).extracting(IncidentReads.Location::location).containsExactly("a", "b", "c");
    assertThat(d.incident().locations().get(0).reason()).isEqualTo("TIMEOUT");
    assertThat(d.incident().locations().get(2).sinceResultId()).isNull();
    assertThat(d.timeline()).extracting(IncidentReads.Event::kind).containsExactly("OPENED", "UPDATED");
    assertThat(d.timeline().get(1).locations()).hasSize(3);
    assertThat(d.results()).extracting(ResultPages.ResultItem::resultId).containsExactly(causeId, sinceB);
    assertThat(d.results().get(0).reason()).isEqualTo("TIMEOUT");
    assertThat(reads.detail(UUID.randomUUID(), NOW)).isEmpty();
  }

  @Test
  void theTargetsListShowsTheOpenAvailabilityIncidentsSeverity() throws SQLException {
    for (String t : List.of("down", "degraded", "nodata", "flapping", "cert", "healthy", "recovered")) {
      try (Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        s.execute("INSERT INTO target (id, version, name, url, interval_seconds, spec, updated_at) VALUES ('" + t + "', 1, '" + t
            + "', 'https://" + t + ".example.com/', 60, '{}', now())");
        s.execute("INSERT INTO target_status (target_id, location, result_id, started_at, up, total_us, since) VALUES ('" + t
            + "', 'a', gen_random_uuid(), now(), true, 1000, now())");
      }
    }
    UUID down = incident("down", "down", "open", 5);
    incident("degraded", "degraded", "acknowledged", 5);
    incident("nodata", "no-data", "open", 5);
    incident("flapping", "flapping", "open", 5);
    incident("cert", "certificate", "open", 5);
    incident("recovered", "down", "resolved", 50);
    TargetList list = new TargetList(ds, Clock.fixed(NOW, ZoneOffset.UTC));

    TargetList.Page page = list.list(TargetList.Filter.firstPage());
    java.util.Map<String, TargetList.Status> status = new java.util.HashMap<>();
    page.items().forEach(r -> status.put(r.id(), r.status()));
    assertThat(status)
        .containsEntry("down", TargetList.Status.DOWN)
        .containsEntry("degraded", TargetList.Status.DEGRADED)
        .containsEntry("nodata", TargetList.Status.UNKNOWN)
        .containsEntry("flapping", TargetList.Status.DEGRADED)
        .containsEntry("cert", TargetList.Status.UP)
        .containsEntry("healthy", TargetList.Status.UP)
        .containsEntry("recovered", TargetList.Status.UP);
    assertThat(page.items().stream().filter(r -> r.id().equals("down")).findFirst().orElseThrow().incident().id()).isEqualTo(down);

    // The status filter and sort (the other statement) agree.
    TargetList.Filter degradedOnly =
        new TargetList.Filter(java.util.Optional.empty(), java.util.Optional.of(TargetList.Status.DEGRADED), java.util.Optional.empty(),
            java.util.Optional.empty(), "name", 1, 50);
    assertThat(list.list(degradedOnly).items()).extracting(TargetList.Row::id).containsExactly("degraded", "flapping");
  }

  @Test
  void whatTheSinkWritesIsWhatTheWebReads() throws SQLException {
    UUID id = UUID.randomUUID();
    List<dev.webmon.event.IncidentEvent> life = IncidentFixtures.lifecycle(id, "t1");
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      IncidentWrites.write(c, IncidentWrites.rows(life.subList(0, 4)));
      c.commit();
    }
    IncidentReads.Detail d = reads.detail(id, NOW).orElseThrow();
    assertThat(d.incident().state()).isEqualTo("acknowledged");
    assertThat(d.incident().severity()).isEqualTo("down");
    assertThat(d.incident().lane()).isEqualTo("availability");
    assertThat(d.incident().acknowledgedBy()).isEqualTo("alice");
    assertThat(d.incident().ackNote()).isEqualTo("on it");
    assertThat(d.incident().causeResultId()).isEqualTo(IncidentFixtures.cause(id));
    assertThat(d.incident().locations()).extracting(IncidentReads.Location::location, IncidentReads.Location::state, IncidentReads.Location::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", "DOWN", "HTTP_STATUS"), org.assertj.core.groups.Tuple.tuple("b", "DOWN", "HTTP_STATUS"),
            org.assertj.core.groups.Tuple.tuple("c", "DOWN", "HTTP_STATUS"));
    assertThat(d.incident().locations().get(0).sinceResultId()).isNotNull();
    assertThat(d.timeline()).extracting(IncidentReads.Event::kind).containsExactly("OPENED", "UPDATED", "ACKNOWLEDGED", "UPDATED");
    assertThat(d.timeline().get(1).severity()).isEqualTo("degraded");
    assertThat(d.timeline().get(2).note()).isEqualTo("on it");
    assertThat(ids(reads.list(IncidentReads.Query.first(50).state("acknowledged")))).containsExactly(id);

    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      IncidentWrites.write(c, IncidentWrites.rows(life.subList(4, 5)));
      c.commit();
    }
    assertThat(reads.find(id).orElseThrow().resolvedAt()).isEqualTo(IncidentFixtures.at(5));
    assertThat(ids(reads.list(IncidentReads.Query.first(50).state("resolved")))).containsExactly(id);
    assertThat(reads.list(IncidentReads.Query.first(50).state("acknowledged")).items()).isEmpty();
  }

  @Test
  void theActiveIncidentsAreReadFromThePartialIndex() throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      // 200 000 resolved incidents of 2 000 targets, 20 active ones.
      s.execute(
          """
          INSERT INTO incident (id, target_id, target_name, lane, state, severity, opened_at, resolved_at, last_seq, updated_at,
                                cause_result_id, policy, locations)
          SELECT gen_random_uuid(), 't' || (g % 2000), 'n', 'availability', CASE WHEN g % 10000 = 0 THEN 'open' ELSE 'resolved' END,
                 'down', now() - g * interval '1 minute', CASE WHEN g % 10000 = 0 THEN NULL ELSE now() END, 2, now(),
                 gen_random_uuid(), 'default', '[]'
          FROM generate_series(0, 199999) g
          """);
      s.execute("ANALYZE incident");
    }
    String active = explain("WITH " + TargetList.ACTIVE + " SELECT * FROM active");
    assertThat(active).contains("incident_active").doesNotContain("Seq Scan");
    String openList = explain(IncidentReads.LIST, "open");
    assertThat(openList).contains("incident_active").doesNotContain("Seq Scan on incident");
    assertThat(reads.list(IncidentReads.Query.first(50).state("open")).items()).hasSize(20);
  }

  private String explain(String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN (COSTS OFF) " + sql)) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }

  /** The plan of the list statement with {@code state} bound and no other filter. */
  private String explain(String namedSql, String state) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (Connection c = ds.getConnection();
        NamedStatement ps =
            NamedStatement.prepare(c, "EXPLAIN (COSTS OFF) " + namedSql)
                .text("state", state)
                .text("target", null)
                .text("severity", null)
                .timestamp("from", null)
                .timestamp("to", null)
                .timestamp("afterAt", null)
                .object("afterId", null, java.sql.Types.OTHER)
                .bool("afterResolved", null)
                .integer("limit", 51);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        plan.append(rs.getString(1)).append('\n');
      }
    }
    return plan.toString();
  }
}
