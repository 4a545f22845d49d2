package dev.webmon.alerter;

import static dev.webmon.alerter.AlerterFixture.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentEvent.Kind;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.JarProcess;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.ops.OpsEndpoints;
import dev.webmon.sink.Sink;
import dev.webmon.sink.SinkConfig;
import dev.webmon.store.Database;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exactly-once proof of the alerter: {@code webmon alerter} child processes are killed with
 * SIGKILL at random moments while a scripted series of outages flows through the results topic,
 * and restarted; at the end the incidents topic (read_committed) holds exactly one OPENED and one
 * RESOLVED per outage, at the scripted instants, and no transition twice. Once with one instance
 * (static membership, killed and restarted), once with two where one is killed again and again and
 * the survivor takes its tasks over. CI: 5 and 3 kills; {@code -Dwebmon.long=true}: 20 each.
 * A sink runs in this JVM on the same topics all along, into a fresh PostgreSQL database: at the
 * end its {@code incident} and {@code incident_event} rows are exactly the topic's, one incident
 * per outage, resolved, with one OPENED and one RESOLVED event each.
 *
 * <p>Script: every target's results come from one location at 10 s steps of scripted time that
 * runs ahead of the wall clock (so the wall-clock tick never finds a location silent); an outage
 * is {@code up up down down down up up}, outages of a target are an hour of scripted time apart
 * (never flapping).
 */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class AlerterKillIT {
  private static final Logger LOG = LoggerFactory.getLogger(AlerterKillIT.class);
  private static final boolean LONG = Boolean.getBoolean("webmon.long");
  private static final boolean[] OUTAGE = {true, true, false, false, false, true, true};
  private static final int PARTITIONS = 6;
  private static final int TARGETS = 12;

  /** When each scripted outage opens and resolves, per target. */
  record Script(Instant base, List<TargetSpec> targets, int outages) {
    Instant at(int outage, int step) {
      return base.plus(Duration.ofHours(outage)).plusSeconds(10L * step);
    }

    int steps() {
      return outages * OUTAGE.length;
    }

    Instant openedAt(int outage) {
      return at(outage, 3); // the second failure
    }

    Instant resolvedAt(int outage) {
      return at(outage, 6); // the second pass after it
    }
  }

  @Test
  void oneAlerterKilledAtRandomMomentsStillDecidesEveryOutageExactlyOnce(EmbeddedKafka broker, TestDatabase db)
      throws Exception {
    int kills = LONG ? 20 : 5;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (AlerterFixture f = new AlerterFixture(broker, PARTITIONS);
        HikariDataSource ds = migrated(db);
        Sink sink = sink(f, db)) {
      Script script = script(f, LONG ? 12 : 4);
      LOG.info("Alerter kill test (one instance): {} kills, {} outages of {} targets, seed {}", kills, script.outages(), TARGETS, seed);
      String[] solo = {"--alerter-instance-id", "solo", "--alerter-state-dir", f.logs.resolve("state-solo").toString()};
      ExecutorService producer = Executors.newSingleThreadExecutor();
      Future<?> producing = producer.submit(() -> produce(f, script, Duration.ofSeconds(kills * 10L)));
      try {
        for (int killed = 1; killed <= kills; killed++) {
          try (JarProcess alerter = f.startAlerter("solo-" + killed + ".log", solo)) {
            awaitRunning(alerter);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(2000))); // fault injection, not synchronisation
            alerter.kill();
            LOG.info("Kill {}/{}: {} transitions committed so far", killed, kills, f.incidents().size());
          }
        }
        producing.get(5, TimeUnit.MINUTES);
      } finally {
        producer.shutdownNow();
      }
      try (JarProcess last = f.startAlerter("solo-final.log", solo)) {
        awaitRunning(last);
        f.awaitCaughtUp(Duration.ofMinutes(2));
        List<IncidentEvent> events = f.incidents();
        assertExactlyOneOpenedAndOneResolvedPerOutage(events, script);
        assertPostgresHoldsTheSameIncidents(sink, ds, events, script);
        assertThat(last.stop()).isIn(0, 143);
      }
    }
  }

  @Test
  void twoAlertersOneKilledAgainAndAgainTheSurvivorTakesOverAndNothingIsLostOrDoubled(EmbeddedKafka broker,
      TestDatabase db) throws Exception {
    int kills = LONG ? 20 : 3;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    try (AlerterFixture f = new AlerterFixture(broker, PARTITIONS);
        HikariDataSource ds = migrated(db);
        Sink sink = sink(f, db);
        JarProcess survivor = f.startAlerter("survivor.log")) {
      Script script = script(f, LONG ? 12 : 4);
      LOG.info("Alerter kill test (two instances): {} kills, {} outages of {} targets, seed {}", kills, script.outages(), TARGETS, seed);
      awaitRunning(survivor);
      ExecutorService producer = Executors.newSingleThreadExecutor();
      Future<?> producing = producer.submit(() -> produce(f, script, Duration.ofSeconds(kills * 15L)));
      try {
        for (int killed = 1; killed <= kills; killed++) {
          try (JarProcess victim = f.startAlerter("victim-" + killed + ".log")) {
            awaitActiveTasks(victim);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(2000))); // fault injection
            victim.kill();
            LOG.info("Kill {}/{}: {} transitions committed so far", killed, kills, f.incidents().size());
          }
        }
        producing.get(5, TimeUnit.MINUTES);
      } finally {
        producer.shutdownNow();
      }
      // The survivor alone finishes the work, after the group dropped the last victim.
      f.awaitCaughtUp(Duration.ofMinutes(2));
      assertThat(survivor.isAlive()).as("the survivor still runs:%n%s", survivor.log()).isTrue();
      List<IncidentEvent> events = f.incidents();
      assertExactlyOneOpenedAndOneResolvedPerOutage(events, script);
      assertPostgresHoldsTheSameIncidents(sink, ds, events, script);
      assertThat(survivor.stop()).isIn(0, 143);
    }
  }

  /**
   * The count check on the incidents topic: per target exactly the scripted OPENED and RESOLVED
   * instants, each OPENED resolved by its own RESOLVED, and no (incident, seq) twice. The
   * PostgreSQL side: {@link #assertPostgresHoldsTheSameIncidents}.
   */
  static void assertExactlyOneOpenedAndOneResolvedPerOutage(List<IncidentEvent> events, Script script) {
    Set<String> seen = new HashSet<>();
    for (IncidentEvent e : events) {
      assertThat(seen.add(e.incidentId() + "#" + e.seq())).as("transition %s #%d twice", e.incidentId(), e.seq()).isTrue();
    }
    List<Instant> expectedOpened = IntStream.range(0, script.outages()).mapToObj(script::openedAt).toList();
    List<Instant> expectedResolved = IntStream.range(0, script.outages()).mapToObj(script::resolvedAt).toList();
    Map<String, List<IncidentEvent>> byTarget = events.stream().collect(Collectors.groupingBy(IncidentEvent::targetId));
    assertThat(byTarget.keySet()).containsExactlyInAnyOrderElementsOf(script.targets().stream().map(TargetSpec::id).toList());
    for (TargetSpec t : script.targets()) {
      List<IncidentEvent> mine = byTarget.get(t.id());
      List<IncidentEvent> opened = mine.stream().filter(e -> e.kind() == Kind.OPENED).toList();
      List<IncidentEvent> resolved = mine.stream().filter(e -> e.kind() == Kind.RESOLVED).toList();
      assertThat(opened).as("OPENED of %s", t.id()).extracting(IncidentEvent::at).containsExactlyElementsOf(expectedOpened);
      assertThat(resolved).as("RESOLVED of %s", t.id()).extracting(IncidentEvent::at).containsExactlyElementsOf(expectedResolved);
      for (int i = 0; i < opened.size(); i++) {
        assertThat(resolved.get(i).incidentId()).as("outage %d of %s", i, t.id()).isEqualTo(opened.get(i).incidentId());
      }
      assertThat(mine).as("transitions of %s", t.id()).extracting(IncidentEvent::kind).containsOnly(Kind.OPENED, Kind.RESOLVED);
    }
  }

  /**
   * The PostgreSQL side, once the sink has stored as many events as the topic holds (the topic's
   * {@code events}, already checked): one {@code incident} row per outage with the topic's id,
   * target and instants, resolved; its {@code incident_event} rows exactly the topic's, one OPENED
   * and one RESOLVED per incident (counted by kind), none twice.
   */
  static void assertPostgresHoldsTheSameIncidents(Sink sink, HikariDataSource ds, List<IncidentEvent> events,
      Script script) {
    await("the sink stored every incident event")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          assertThat(sink.failure()).as("sink failure").isEmpty();
          return Long.parseLong(rows(ds, "SELECT count(*) FROM incident_event").get(0).get(0)) >= events.size();
        });
    int outages = script.targets().size() * script.outages();
    Map<UUID, IncidentEvent> opened = new HashMap<>();
    Map<UUID, IncidentEvent> resolved = new HashMap<>();
    for (IncidentEvent e : events) {
      (e.kind() == Kind.OPENED ? opened : resolved).put(e.incidentId(), e);
    }
    List<List<String>> expectedIncidents = new ArrayList<>();
    opened.forEach((id, o) -> expectedIncidents.add(List.of(id.toString(), o.targetId(), "resolved", "down",
        o.at().toString(), resolved.get(id).at().toString(), Long.toString(resolved.get(id).seq()))));
    assertThat(rows(ds, "SELECT id, target_id, state, severity, opened_at, resolved_at, last_seq FROM incident"))
        .as("incident rows").hasSize(outages).containsExactlyInAnyOrderElementsOf(expectedIncidents);
    assertThat(rows(ds, "SELECT incident_id, seq, kind, severity, at FROM incident_event"))
        .as("incident_event rows")
        .containsExactlyInAnyOrderElementsOf(events.stream()
            .map(e -> List.of(e.incidentId().toString(), Long.toString(e.seq()), e.kind().name(),
                e.severity().wireName(), e.at().toString()))
            .toList());
    assertThat(rows(ds, "SELECT kind, count(*), count(DISTINCT incident_id) FROM incident_event GROUP BY kind"))
        .as("incident_event rows by kind")
        .containsExactlyInAnyOrder(
            List.of("OPENED", Integer.toString(outages), Integer.toString(outages)),
            List.of("RESOLVED", Integer.toString(outages), Integer.toString(outages)));
  }

  /** Every row of {@code sql}, each column as text (timestamps as instants). */
  private static List<List<String>> rows(HikariDataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<String>> out = new ArrayList<>();
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          Object v = rs.getObject(i);
          row.add(v instanceof java.sql.Timestamp ? rs.getObject(i, OffsetDateTime.class).toInstant().toString()
              : String.valueOf(v));
        }
        out.add(row);
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** A fresh database with webmon's schema. */
  private static HikariDataSource migrated(TestDatabase db) {
    HikariDataSource ds = Database.pool(db.config(), "alerter-kill-it");
    new SchemaMigrator(ds).migrate();
    return ds;
  }

  /** The sink, in this JVM, on the fixture's topics (results and incidents) into {@code db}. */
  private static Sink sink(AlerterFixture f, TestDatabase db) {
    return Sink.builder(f.kafka, f.topics, db.config(),
            SinkConfig.defaults(Map.of("sink.group-id", KafkaExtension.uniqueTopic("sink"), "sink.maintenance", "false")))
        .start();
  }

  private static Script script(AlerterFixture f, int outages) {
    List<TargetSpec> targets = new ArrayList<>();
    for (int i = 0; i < TARGETS; i++) {
      TargetSpec t = f.target("site-" + i, URI.create("https://site-" + i + ".example.com/"));
      f.publish(t);
      targets.add(t);
    }
    return new Script(Instant.now().truncatedTo(ChronoUnit.SECONDS), List.copyOf(targets), outages);
  }

  /** Produces the script step by step, spread over about {@code over}. */
  private static void produce(AlerterFixture f, Script script, Duration over) {
    long pauseNanos = over.toNanos() / script.steps();
    for (int outage = 0; outage < script.outages(); outage++) {
      for (int step = 0; step < OUTAGE.length; step++) {
        for (TargetSpec t : script.targets()) {
          f.send(result(t, "a", script.at(outage, step), OUTAGE[step]));
        }
        f.flush();
        LockSupport.parkNanos(pauseNanos); // pacing
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }
  }

  private static void awaitRunning(JarProcess alerter) {
    await("alerter RUNNING")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> {
          assertThat(alerter.isAlive()).as("alerter exited:%n%s", alerter.log()).isTrue();
          return alerter.log().contains("-> RUNNING");
        });
  }

  /** Until the instance processes at least one task (after the rebalance that let it in). */
  private static void awaitActiveTasks(JarProcess alerter) {
    awaitRunning(alerter);
    await("victim holds active tasks")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> {
          assertThat(alerter.isAlive()).as("alerter exited:%n%s", alerter.log()).isTrue();
          return OpsEndpoints.loggedUrl(alerter.log()).map(AlerterKillIT::activeTasks).orElse(0) > 0;
        });
  }

  private static int activeTasks(String opsUrl) {
    try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
      String body =
          http.send(
                  java.net.http.HttpRequest.newBuilder(URI.create(opsUrl + "/health")).timeout(Duration.ofSeconds(5)).build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString())
              .body();
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("details").get("activeTasks").asInt();
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
