package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The one target upsert and delete, as the web (one target, {@link Targets#upsert}) and the sink
 * (a prepared batch, {@link Targets#upserts}) use them, on a real PostgreSQL: a row only moves to
 * a higher version whichever path writes it, and a delete takes the target's status rows with it.
 */
@ExtendWith(PostgresExtension.class)
class TargetsIT {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final EventCodec CODEC = new EventCodec();

  private final Targets targets = new Targets();
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

  private static TargetSpec spec(String id, long version) {
    return TargetSpec.builder(id, URI.create("https://" + id + ".example.com/"))
        .version(version)
        .name(id + " v" + version)
        .tags(List.of("v" + version))
        .updatedAt(T0.plusSeconds(version))
        .build();
  }

  private static String json(TargetSpec spec) {
    return new String(CODEC.encode(spec), StandardCharsets.UTF_8);
  }

  /** The web's path: one target, in a transaction of its own. */
  private boolean webUpsert(TargetSpec spec) {
    return Jdbc.transaction(ds, c -> targets.upsert(c, spec));
  }

  /** The sink's path: a batch of targets on one prepared statement. */
  private void sinkUpsert(TargetSpec... specs) {
    Jdbc.transaction(
        ds,
        c -> {
          try (Targets.Upserts upserts = targets.upserts(c)) {
            for (TargetSpec s : specs) {
              upserts.add(s, json(s));
            }
            upserts.executeBatch();
          }
          return null;
        });
  }

  private StoredTarget stored(String id) {
    return Jdbc.read(ds, c -> targets.find(c, id)).orElseThrow();
  }

  @Test
  void anUpsertOnlyMovesTheRowToAHigherVersionWhicheverPathWritesIt() {
    assertThat(webUpsert(spec("a", 1))).isTrue();
    Instant created = stored("a").createdAt();
    assertThat(created).isEqualTo(T0.plusSeconds(1));

    sinkUpsert(spec("a", 3));
    assertThat(stored("a").spec()).isEqualTo(spec("a", 3));

    // Lower or equal versions, from either path, change nothing.
    assertThat(webUpsert(spec("a", 2))).isFalse();
    assertThat(webUpsert(spec("a", 3))).isFalse();
    sinkUpsert(spec("a", 2), spec("a", 1));
    Jdbc.transaction(
        ds,
        c -> {
          try (Targets.Upserts upserts = targets.upserts(c)) {
            assertThat(upserts.execute(spec("a", 3), json(spec("a", 3)))).isFalse();
            assertThat(upserts.execute(spec("a", 4), json(spec("a", 4)))).isTrue();
          }
          return null;
        });
    assertThat(webUpsert(spec("a", 5))).isTrue();

    StoredTarget a = stored("a");
    assertThat(a.spec()).isEqualTo(spec("a", 5));
    assertThat(a.createdAt()).as("created_at is the first version's").isEqualTo(created);
    assertThat(Jdbc.<String>read(ds, c -> columns(c, "a"))).isEqualTo("5|a v5|https://a.example.com/|{v5}|" + T0.plusSeconds(5));
  }

  @Test
  void theSinkMayInsertATargetTheWebNeverWrote() {
    sinkUpsert(spec("b", 2));

    assertThat(stored("b").spec()).isEqualTo(spec("b", 2));
    assertThat(stored("b").createdAt()).isEqualTo(T0.plusSeconds(2));
    assertThat(webUpsert(spec("b", 1))).isFalse();
  }

  @Test
  void aDeleteRemovesTheTargetAndItsStatusRowsOnly() throws SQLException {
    webUpsert(spec("a", 1));
    webUpsert(spec("b", 1));
    webUpsert(spec("c", 1));
    Jdbc.transaction(
        ds,
        c ->
            TargetStatus.upsert(
                c,
                StatusRows.of(
                    List.of(result("a", "eu"), result("a", "us"), result("b", "eu"), result("c", "eu")), Set.of())));
    assertThat(statusRows()).containsExactly("a/eu", "a/us", "b/eu", "c/eu");

    // The web deletes one target; the sink a batch of tombstones, one of them for a target already gone.
    assertThat(Jdbc.<Boolean>transaction(ds, c -> targets.delete(c, "a"))).isTrue();
    assertThat(statusRows()).containsExactly("b/eu", "c/eu");
    assertThat(Jdbc.<Boolean>transaction(ds, c -> targets.delete(c, "a"))).isFalse();
    assertThat(Jdbc.<Integer>transaction(ds, c -> targets.delete(c, List.of("a", "b")))).isEqualTo(1);

    assertThat(statusRows()).containsExactly("c/eu");
    assertThat(Jdbc.<Boolean>read(ds, c -> targets.exists(c, "a"))).isFalse();
    assertThat(Jdbc.<Boolean>read(ds, c -> targets.exists(c, "b"))).isFalse();
    assertThat(Jdbc.<List<TargetSpec>>read(ds, targets::all)).containsExactly(spec("c", 1));
  }

  @Test
  void aDeletedTargetComesBackOnlyWithANewUpsert() {
    webUpsert(spec("a", 2));
    Jdbc.transaction(ds, c -> targets.delete(c, "a"));

    assertThat(Jdbc.<Optional<StoredTarget>>read(ds, c -> targets.find(c, "a"))).isEmpty();
    sinkUpsert(spec("a", 1));
    assertThat(stored("a").spec().version()).isEqualTo(1);
  }

  private static String columns(Connection c, String id) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT version, name, url, interval_seconds, tags, updated_at FROM target WHERE id = '" + id + "'")) {
      rs.next();
      return rs.getLong("version") + "|" + rs.getString("name") + "|" + rs.getString("url") + "|" + rs.getString("tags")
          + "|" + rs.getTimestamp("updated_at").toInstant();
    }
  }

  private List<String> statusRows() throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT target_id || '/' || location AS k FROM target_status ORDER BY 1")) {
      List<String> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getString("k"));
      }
      return out;
    }
  }

  private static CheckResult result(String target, String location) {
    return CheckResult.builder()
        .resultId(UUID.randomUUID())
        .targetId(target)
        .targetVersion(1)
        .location(location)
        .agentId("agent-1")
        .url(URI.create("https://" + target + ".example.com/"))
        .scheduledAt(T0)
        .startedAt(T0)
        .timings(new PhaseTimings(100, 100, 200, 500, 50, 1000))
        .bodyBytes(10)
        .httpVersion("HTTP/1.1")
        .remoteAddress("203.0.113.7")
        .up(200)
        .build();
  }
}
