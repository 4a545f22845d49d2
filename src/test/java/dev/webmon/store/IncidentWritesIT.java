package dev.webmon.store;

import static dev.webmon.store.IncidentFixtures.ACK;
import static dev.webmon.store.IncidentFixtures.T0;
import static dev.webmon.store.IncidentFixtures.at;
import static dev.webmon.store.IncidentFixtures.down;
import static dev.webmon.store.IncidentFixtures.event;
import static dev.webmon.store.IncidentFixtures.lifecycle;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentEvent.Kind;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link IncidentWrites} on a real PostgreSQL: the incident row as a fold of its events (state
 * machine, forward-only columns), whatever their order and however often they come.
 */
@ExtendWith(PostgresExtension.class)
class IncidentWritesIT {
  private final UUID id = UUID.randomUUID();
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

  /** Writes the events in one transaction, as the sink's batch does; returns the events inserted. */
  private int write(List<IncidentEvent> events) throws SQLException {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      int n = IncidentWrites.write(c, IncidentWrites.rows(events));
      c.commit();
      return n;
    }
  }

  private int write(IncidentEvent... events) throws SQLException {
    return write(List.of(events));
  }

  /** The incident row: state, severity, lane, last_seq, ack, resolved_at, name, updated_at, locations. */
  private String row(UUID incident) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT state, severity, lane, last_seq, acknowledged_at, acknowledged_by, ack_note, resolved_at, "
                    + "target_name, updated_at, jsonb_path_query_array(locations, '$[*].location')::text, target_id, "
                    + "opened_at, cause_result_id, policy FROM incident WHERE id = '" + incident + "'")) {
      assertThat(rs.next()).as("incident %s stored", incident).isTrue();
      assertThat(rs.getTimestamp("opened_at").toInstant()).isEqualTo(T0);
      assertThat(rs.getObject("cause_result_id")).isEqualTo(IncidentFixtures.cause(incident));
      assertThat(rs.getString("policy")).isEqualTo("default");
      return String.join(
          "|",
          rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5), rs.getString(6),
          rs.getString(7), instant(rs, 8), rs.getString(9), instant(rs, 10), rs.getString(11), rs.getString(12));
    }
  }

  private static String instant(ResultSet rs, int col) throws SQLException {
    var ts = rs.getTimestamp(col);
    return ts == null ? "-" : ts.toInstant().toString();
  }

  /** The stored events of the incident, by seq: "seq kind severity note quorum/reporting locations". */
  private List<String> events(UUID incident) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT seq, kind, severity, at, note, quorum, reporting, jsonb_array_length(locations) FROM incident_event "
                    + "WHERE incident_id = '" + incident + "' ORDER BY seq")) {
      while (rs.next()) {
        assertThat(rs.getTimestamp("at").toInstant()).isEqualTo(at(rs.getLong("seq")));
        out.add(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(5) + " "
            + rs.getInt(6) + "/" + rs.getInt(7) + " " + rs.getInt(8));
      }
    }
    return out;
  }

  private long count(String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static final List<String> ALL_EVENTS =
      List.of(
          "1 OPENED down null 2/3 2",
          "2 UPDATED degraded null 2/3 1",
          "3 ACKNOWLEDGED degraded on it 2/3 1",
          "4 UPDATED down null 2/3 3",
          "5 RESOLVED down null 2/3 0");

  private String resolvedRow(String target) {
    return "resolved|down|availability|5|" + ACK.at() + "|alice|on it|" + at(5) + "|Target " + target + " @5|" + at(5)
        + "|[]|" + target;
  }

  @Test
  void theRowFollowsTheStateMachineOneTransitionAtATime() throws SQLException {
    List<IncidentEvent> life = lifecycle(id, "web");

    assertThat(write(life.get(0))).isEqualTo(1);
    assertThat(row(id)).isEqualTo("open|down|availability|1|-|null|null|-|Target web @1|" + at(1) + "|[\"a\", \"b\"]|web");
    write(life.get(1));
    assertThat(row(id)).isEqualTo("open|degraded|availability|2|-|null|null|-|Target web @2|" + at(2) + "|[\"a\"]|web");
    write(life.get(2));
    assertThat(row(id))
        .isEqualTo("acknowledged|degraded|availability|3|" + ACK.at() + "|alice|on it|-|Target web @3|" + at(3) + "|[\"a\"]|web");
    write(life.get(3));
    assertThat(row(id))
        .as("UPDATED after the ack: still acknowledged")
        .isEqualTo(
            "acknowledged|down|availability|4|" + ACK.at() + "|alice|on it|-|Target web @4|" + at(4) + "|[\"a\", \"b\", \"c\"]|web");
    write(life.get(4));
    assertThat(row(id)).isEqualTo(resolvedRow("web"));
    assertThat(events(id)).containsExactlyElementsOf(ALL_EVENTS);
  }

  @Test
  void eventsOutOfOrderWithinOneBatchGiveTheSameRow() throws SQLException {
    List<IncidentEvent> life = new ArrayList<>(lifecycle(id, "web"));
    Collections.reverse(life);
    life.add(2, life.get(0)); // and a duplicate

    assertThat(write(life)).isEqualTo(5);

    assertThat(row(id)).isEqualTo(resolvedRow("web"));
    assertThat(events(id)).containsExactlyElementsOf(ALL_EVENTS);
  }

  @Test
  void anOlderEventArrivingLaterMovesNothingBackButItsAcknowledgementCounts() throws SQLException {
    List<IncidentEvent> life = lifecycle(id, "web");
    write(life.get(0), life.get(3)); // the ack (3) is in a later batch than the UPDATED after it (4)
    write(life.get(2), life.get(1));

    assertThat(row(id))
        .isEqualTo(
            "acknowledged|down|availability|4|" + ACK.at() + "|alice|on it|-|Target web @4|" + at(4) + "|[\"a\", \"b\", \"c\"]|web");
    assertThat(events(id)).containsExactlyElementsOf(ALL_EVENTS.subList(0, 4));
  }

  @Test
  void replayedEventsAreStoredOnceAndChangeNothing() throws SQLException {
    List<IncidentEvent> life = lifecycle(id, "web");
    write(life);

    assertThat(write(life)).isZero();
    assertThat(write(life.get(0), life.get(2))).isZero();

    assertThat(row(id)).isEqualTo(resolvedRow("web"));
    assertThat(events(id)).containsExactlyElementsOf(ALL_EVENTS);
    assertThat(count("SELECT count(*) FROM incident")).isOne();
  }

  @Test
  void aCertificateIncidentHasItsOwnLaneAndAnAcknowledgementWithoutANoteIsKept() throws SQLException {
    IncidentEvent.Acknowledgement bare = new IncidentEvent.Acknowledgement("bob", Optional.empty(), at(2));
    write(
        event(id, "tls", 1, Kind.OPENED, IncidentSeverity.CERTIFICATE, List.of(), Optional.empty()),
        event(id, "tls", 2, Kind.ACKNOWLEDGED, IncidentSeverity.CERTIFICATE, List.of(), Optional.of(bare)));

    assertThat(row(id)).isEqualTo("acknowledged|certificate|certificate|2|" + at(2) + "|bob|null|-|Target tls @2|" + at(2) + "|[]|tls");
    assertThat(events(id)).containsExactly("1 OPENED certificate null 2/3 0", "2 ACKNOWLEDGED certificate null 2/3 0");
  }

  @Test
  void locationsAreStoredAsOnTheWire() throws SQLException {
    var a = down("a");
    write(event(id, "web", 1, Kind.OPENED, IncidentSeverity.DOWN, List.of(a), Optional.empty()));

    String expected = "[{\"state\": \"DOWN\", \"reason\": \"HTTP_STATUS\", \"location\": \"a\", \"sinceResultId\": \""
        + a.sinceResultId().orElseThrow() + "\"}]";
    assertThat(count("SELECT count(*) FROM incident WHERE locations = '" + expected + "'::jsonb")).isOne();
    assertThat(count("SELECT count(*) FROM incident_event WHERE locations = '" + expected + "'::jsonb")).isOne();
  }

  @Test
  void aBurstOfTenThousandEventsOfTwoThousandIncidentsIsOneWrite() throws SQLException {
    List<IncidentEvent> burst = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      burst.addAll(lifecycle(UUID.randomUUID(), "t" + (i % 300)));
    }
    Collections.shuffle(burst, new Random(42));

    assertThat(write(burst)).isEqualTo(10_000);

    assertThat(count("SELECT count(*) FROM incident WHERE state = 'resolved' AND last_seq = 5 AND severity = 'down'"))
        .isEqualTo(2_000);
    assertThat(count("SELECT count(*) FROM incident_event")).isEqualTo(10_000);
    assertThat(count("SELECT count(*) FROM incident_event WHERE kind = 'ACKNOWLEDGED' AND note = 'on it'")).isEqualTo(2_000);
  }
}
