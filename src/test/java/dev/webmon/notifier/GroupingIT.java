package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.event.IncidentEvent;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.Notifications;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Grouping through the real SQL path ({@link Deliveries} on PostgreSQL) with a hand-moved clock
 * and exact instants: the rows queued as the consumer queues them ({@link GroupWindow#dueAt}), the
 * messages the receiver gets when, and the SQL's membership equal to {@link GroupWindow#joins}.
 */
@ExtendWith(PostgresExtension.class)
class GroupingIT {
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");
  private static final Duration MICRO = Duration.ofNanos(1_000);

  private final HandClock clock = new HandClock(T);
  private final Map<String, IncidentEvent> events = new LinkedHashMap<>();
  private HikariDataSource ds;
  private Receiver hook;

  @BeforeEach
  void setUp(TestDatabase db) throws Exception {
    ds = NotifierFixture.migrated(db);
    hook = new Receiver();
    NotifierFixture.webhook(ds, "hook", hook.url("/").toString(), true);
    NotifierFixture.webhook(ds, "other", hook.url("/other").toString(), false);
  }

  @AfterEach
  void tearDown() {
    hook.close();
    ds.close();
  }

  private Deliveries deliveries(String groupWait) {
    NotifierConfig config = NotifierConfig.defaults(Map.of("notify.group-wait", groupWait));
    return new Deliveries(ds, new ChannelFactory(AddressPolicy.allowingAll(), clock), config, Backoff.of(config), clock,
        new NotifierMetrics(new SimpleMeterRegistry()));
  }

  /** Queues transition {@code seq} of target {@code target}'s incident on {@code channel} at {@code queuedAt}. */
  private void queue(GroupWindow window, String channel, String target, int seq, Instant queuedAt) throws SQLException {
    IncidentEvent e = NotifierFixture.lifecycle(target).get(seq - 1);
    events.put(target + seq, e);
    String payload = new String(NotifierFixture.CODEC.encode(e), StandardCharsets.UTF_8);
    try (Connection c = ds.getConnection()) {
      Notifications.insert(c, List.of(new Notifications.New(NotifierFixture.key(e, channel), channel,
          Optional.of(e.incidentId()), e.seq(), e.kind().name(), target, "down", payload,
          window.dueAt(e.kind().name(), queuedAt), queuedAt)));
    }
  }

  @Test
  void aHeadQueuedAtTTakesWhatIsQueuedBeforeTPlus30sNotAtItAndAResolvedGoesAlone() throws SQLException {
    GroupWindow window = new GroupWindow(Duration.ofSeconds(30));
    Deliveries d = deliveries("30s");
    queue(window, "hook", "a", 1, T);
    queue(window, "hook", "r", 3, T.plusSeconds(1)); // a RESOLVED (of another incident) behind the head
    queue(window, "other", "o", 1, T.plusSeconds(10)); // another channel: never in hook's group
    queue(window, "hook", "b", 1, T.plusMillis(29_999));
    queue(window, "hook", "c", 1, T.plusSeconds(30));
    queue(window, "hook", "e", 1, T.plusSeconds(60).minus(MICRO));

    clock.set(T.plusSeconds(30).minus(MICRO));
    assertThat(d.deliverOnce("hook")).as("the head is due at T+30 s; the RESOLVED waits behind it").isFalse();
    assertThat(hook.requests).isEmpty();

    clock.set(T.plusSeconds(30));
    assertThat(d.deliverOnce("hook")).isTrue();
    JsonNode first = Contract.json(hook.only().text());
    assertThat(first.path("v").asText()).isEqualTo("1.1");
    assertThat(first.path("group").findValuesAsText("id")).as("the members' target and incident ids")
        .containsSequence("a", events.get("a1").incidentId().toString())
        .containsSequence("b", events.get("b1").incidentId().toString())
        .doesNotContain("c", "e", "o", "r");
    assertThat(first.path("message").path("subject").asText()).isEqualTo("[DOWN] 2 targets: Target a, Target b");
    assertThat(first.path("message").path("body").asText())
        .contains("/incidents/" + events.get("a1").incidentId(), "/incidents/" + events.get("b1").incidentId());
    assertThat(hook.only().header("Idempotency-Key")).isEqualTo("group:" + id("a1") + ":hook");

    assertThat(d.deliverOnce("hook")).as("the RESOLVED, alone").isTrue();
    assertThat(hook.last().header("Idempotency-Key")).isEqualTo(NotifierFixture.key(events.get("r3"), "hook"));
    assertThat(Contract.json(hook.last().text()).has("group")).isFalse();
    assertThat(d.deliverOnce("hook")).as("c is due at T+60 s").isFalse();

    clock.set(T.plusSeconds(60).minus(MICRO));
    assertThat(d.deliverOnce("hook")).isFalse();
    clock.set(T.plusSeconds(60));
    assertThat(d.deliverOnce("hook")).isTrue();
    assertThat(hook.last().header("Idempotency-Key")).isEqualTo("group:" + id("c1") + ":hook");
    assertThat(Contract.json(hook.last().text()).path("group").findValuesAsText("id")).contains("c", "e");
    assertThat(d.deliverOnce("hook")).isFalse();
    assertThat(hook.requests).hasSize(3);

    assertThat(rows()).containsExactly(
        "a1 delivered group=a1", "r3 delivered group=-", "o1 pending group=-", "b1 delivered group=a1",
        "c1 delivered group=c1", "e1 delivered group=c1");
  }

  @Test
  void theSqlsMembershipIsTheRuleOnEveryEdge() throws SQLException {
    GroupWindow window = new GroupWindow(Duration.ofSeconds(30));
    queue(window, "hook", "h", 1, T);
    List<Instant> at = List.of(T, T.plusMillis(29_999), T.plusSeconds(30).minus(MICRO), T.plusSeconds(30),
        T.plusSeconds(30).plus(MICRO));
    for (int i = 0; i < at.size(); i++) {
      queue(window, "hook", "m" + i, 1, at.get(i));
    }
    queue(window, "hook", "x", 3, T.plusSeconds(1));
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < at.size(); i++) {
      if (window.joins(T, ChannelType.WEBHOOK, "OPENED", at.get(i))) {
        expected.add("m" + i);
      }
    }
    assertThat(expected).containsExactly("m0", "m1", "m2");
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      Notifications.Pending head = Notifications.claimHead(c, "hook", T.plusSeconds(30)).orElseThrow();
      assertThat(head.createdAt()).isEqualTo(T);
      assertThat(Notifications.claimGroup(c, head, window.closesAt(head.createdAt())))
          .extracting(Notifications.Pending::targetId).containsExactlyElementsOf(expected);
      c.rollback();
    }
  }

  @Test
  void aZeroGroupWaitSendsEachOpenedAloneAtOnce() throws SQLException {
    GroupWindow off = new GroupWindow(Duration.ZERO);
    Deliveries d = deliveries("0s");
    queue(off, "hook", "a", 1, T);
    queue(off, "hook", "b", 1, T);
    assertThat(d.deliverOnce("hook")).isTrue();
    assertThat(d.deliverOnce("hook")).isTrue();
    assertThat(d.deliverOnce("hook")).isFalse();
    assertThat(hook.requests).extracting(r -> r.header("Idempotency-Key"))
        .containsExactly(NotifierFixture.key(events.get("a1"), "hook"), NotifierFixture.key(events.get("b1"), "hook"));
    assertThat(rows()).containsExactly("a1 delivered group=-", "b1 delivered group=-");
  }

  private long id(String name) throws SQLException {
    IncidentEvent e = events.get(name);
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM notification WHERE dedup_key LIKE ?")) {
      ps.setString(1, e.incidentId() + ":" + e.seq() + ":%");
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** Every row in id order: {@code <target><seq> <state> group=<target><seq> of its group's head or ->}. */
  private List<String> rows() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT n.target_id || n.seq, n.state, (SELECT g.target_id || g.seq FROM notification g WHERE g.id = n.group_id) "
                + "FROM notification n ORDER BY n.id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getString(1) + " " + rs.getString(2) + " group=" + (rs.getString(3) == null ? "-" : rs.getString(3)));
      }
    }
    return out;
  }
}
