package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The outbox's claims on chosen instants (no wall clock): a channel's rows go strictly in id
 * order, one holder at a time, and a grouping window includes what was queued before its end,
 * not at it.
 */
@ExtendWith(PostgresExtension.class)
class NotificationsIT {
  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private HikariDataSource ds;

  @BeforeEach
  void setUp(TestDatabase db) throws SQLException {
    ds = Database.pool(db.config(), "test");
    Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
    try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("INSERT INTO notify_channel (id, type, name) VALUES ('c', 'webhook', 'c')");
    }
  }

  @AfterEach
  void tearDown() {
    ds.close();
  }

  private static Notifications.New row(String key, String kind, Instant created, Instant due) {
    return new Notifications.New(key, "c", Optional.of(UUID.randomUUID()), 1, kind, "t", "down", "{}", due, created);
  }

  @Test
  void aChannelsRowsGoInIdOrderOneHolderAtATimeAndTheWindowEndIsExclusive() throws SQLException {
    try (Connection c = ds.getConnection()) {
      int n = Notifications.insert(c, List.of(
          row("a", "OPENED", T0, T0.plus(WINDOW)),
          row("x", "RESOLVED", T0.plusSeconds(1), T0.plusSeconds(1)),
          row("b", "OPENED", T0.plus(WINDOW).minusMillis(1), T0.plus(WINDOW).plus(WINDOW).minusMillis(1)),
          row("c", "OPENED", T0.plus(WINDOW), T0.plus(WINDOW).plus(WINDOW)),
          row("a", "OPENED", T0, T0)));
      assertThat(n).as("a repeated dedup key is skipped").isEqualTo(4);
      // "x" is due, but "a" (older) is not: the channel waits, in order.
      assertThat(Notifications.claimHead(c, "c", T0.plusSeconds(2))).isEmpty();
      assertThat(Notifications.claimHead(c, "c", T0.plus(WINDOW).minusMillis(1))).isEmpty();
    }
    try (Connection holder = ds.getConnection(); Connection other = ds.getConnection()) {
      holder.setAutoCommit(false);
      other.setAutoCommit(false);
      Notifications.Pending head = Notifications.claimHead(holder, "c", T0.plus(WINDOW)).orElseThrow();
      assertThat(head.dedupKey()).isEqualTo("a");
      assertThat(Notifications.claimHead(other, "c", T0.plus(WINDOW))).as("held by another worker").isEmpty();
      List<Notifications.Pending> group = Notifications.claimGroup(holder, head, head.createdAt().plus(WINDOW));
      assertThat(group).extracting(Notifications.Pending::dedupKey).containsExactly("b");
      Notifications.settle(holder, new Notifications.Attempt(head.id(), 1, T0.plus(WINDOW), "retry", OptionalInt.of(503),
          Optional.empty(), 12, Optional.of(T0.plus(WINDOW).plusSeconds(10)), "will retry: HTTP 503"));
      holder.commit();
      other.rollback();
    }
    try (Connection c = ds.getConnection()) {
      assertThat(Notifications.claimHead(c, "c", T0.plus(WINDOW).plusSeconds(9))).as("retry not due yet").isEmpty();
      Notifications.Pending again = Notifications.claimHead(c, "c", T0.plus(WINDOW).plusSeconds(10)).orElseThrow();
      assertThat(again.dedupKey()).isEqualTo("a");
      assertThat(again.attempts()).isEqualTo(1);
      assertThat(again.groupId()).contains(again.id());
      assertThat(Notifications.claimGroup(c, again, again.createdAt().plus(WINDOW))).extracting(Notifications.Pending::dedupKey)
          .containsExactly("b");
      assertThat(Notifications.dueChannels(c, T0.plus(WINDOW).plusSeconds(10))).containsExactly("c");
      assertThat(Notifications.queues(c)).singleElement()
          .satisfies(q -> assertThat(q.pending()).isEqualTo(4));
    }
  }
}
