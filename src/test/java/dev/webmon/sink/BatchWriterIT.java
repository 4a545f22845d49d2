package dev.webmon.sink;

import static dev.webmon.sink.Fixtures.CODEC;
import static dev.webmon.sink.Fixtures.down;
import static dev.webmon.sink.Fixtures.record;
import static dev.webmon.sink.Fixtures.resultRecord;
import static dev.webmon.sink.Fixtures.up;
import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.IncidentFixtures;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The batch transaction against a real PostgreSQL (and a real broker for the dead letters). */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class BatchWriterIT {
  private static final String RESULTS = "r";
  private static final String TARGETS = "t";
  private static final String INCIDENTS = "i";
  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  private HikariDataSource ds;
  private KafkaConfig kafka;
  private TopicsConfig topics;
  private KafkaProducer<byte[], byte[]> producer;
  private DeadLetters deadLetters;
  private final Map<TopicPartition, Long> stored = new HashMap<>();
  private long nextOffset;

  @BeforeEach
  void setUp(TestDatabase db, EmbeddedKafka broker) {
    ds = SinkTestSupport.migrated(db);
    kafka = broker.kafkaConfig();
    topics = SinkTestSupport.topics(kafka, 1);
    producer = SinkTestSupport.producer(kafka);
    deadLetters = new DeadLetters(producer, topics.dlq(), new SinkMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  @AfterEach
  void tearDown() {
    producer.close();
    ds.close();
  }

  private BatchWriter writer(CopyEncoder.Format format) {
    return new BatchWriter(ds, "g", format, Duration.ofMinutes(10), deadLetters, InstantSource.system());
  }

  private Batch batch(List<ConsumerRecord<byte[], byte[]>> records) {
    return batch(CopyEncoder.Format.BINARY, records);
  }

  private Batch batch(CopyEncoder.Format format, List<ConsumerRecord<byte[], byte[]>> records) {
    Batch b = new Batch(format);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      b.consumed(r, 0);
      if (r.topic().equals(RESULTS)) {
        b.addResult(CODEC.decodeResult(r.value()), r);
      } else if (r.topic().equals(INCIDENTS)) {
        b.addIncident(CODEC.decodeIncident(r.value()), r);
      } else if (r.value() == null) {
        b.addTargetChange(new Batch.Delete(new String(r.key()), r));
      } else {
        TargetSpec spec = CODEC.decodeTarget(r.value());
        b.addTargetChange(new Batch.Upsert(spec, new String(r.value(), java.nio.charset.StandardCharsets.UTF_8), r));
      }
    }
    b.seal(stored);
    return b;
  }

  private BatchWriter.Written write(BatchWriter w, Batch b) {
    BatchWriter.Written written = w.write(b);
    if (written.outcome() == BatchWriter.Outcome.COMMITTED) {
      b.ranges().forEach((tp, r) -> stored.put(tp, r.next()));
    }
    return written;
  }

  private ConsumerRecord<byte[], byte[]> rec(CheckResult r) {
    return resultRecord(RESULTS, 0, nextOffset++, r);
  }

  private Batch results(CheckResult... rs) {
    return batch(java.util.Arrays.stream(rs).map(this::rec).toList());
  }

  @ParameterizedTest
  @EnumSource(CopyEncoder.Format.class)
  void storesEveryColumnOfAResultExactly(CopyEncoder.Format format) throws Exception {
    Instant started = Instant.parse("2026-03-04T05:06:07.123456789Z");
    CheckResult full =
        CheckResult.builder()
            .resultId(UUID.randomUUID())
            .targetId("t-1")
            .targetVersion(7)
            .location("eu-west")
            .agentId("agent-7.a:b@c")
            .url(URI.create("http://example.com/"))
            .scheduledAt(started.minusMillis(5))
            .startedAt(started)
            .down(Reason.PATTERN_MISSING)
            .statusCode(200)
            .timings(new PhaseTimings(1, 2, 3, 4, 5, 15))
            .bodyBytes(123_456_789_012L)
            .httpVersion("HTTP/2")
            .remoteAddress("[2001:db8::1]")
            .tlsExpiresAt(Instant.parse("9999-12-31T23:59:59.999999Z"))
            .redirects(3)
            .finalUrl(URI.create("https://example.com/a?b=c%5Cd"))
            .detail("tab\there, newline\nthere, backslash \\ and NUL \0 and ünïcödé 🎉")
            .maintenance(true)
            .build();
    CheckResult minimal =
        Fixtures.base("t-2", "us", started, 0).down(Reason.DNS).timings(PhaseTimings.ZERO).bodyBytes(0).build();
    minimal = new CheckResult(minimal.resultId(), minimal.targetId(), 1, "us", "a", minimal.url(), minimal.scheduledAt(),
        minimal.startedAt(), minimal.outcome(), minimal.reason(), java.util.Optional.empty(), PhaseTimings.ZERO, 0,
        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 0, java.util.Optional.empty(),
        java.util.Optional.empty(), false);

    BatchWriter.Written w = write(writer(format), batch(format, List.of(rec(full), rec(minimal))));

    assertThat(w.outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);
    assertThat(w.rows()).isEqualTo(2);
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT target_id, started_at, result_id, target_version, location, agent_id, scheduled_at, up, reason, "
                    + "status_code, dns_us, connect_us, tls_us, ttfb_us, transfer_us, total_us, body_bytes, http_version, "
                    + "remote_address, tls_expires_at, redirects, final_url, detail, maintenance FROM check_result ORDER BY target_id")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("t-1");
      assertThat(rs.getTimestamp(2).toInstant()).isEqualTo(Instant.parse("2026-03-04T05:06:07.123456Z"));
      assertThat(rs.getObject(3)).isEqualTo(full.resultId());
      assertThat(rs.getLong(4)).isEqualTo(7);
      assertThat(rs.getString(5)).isEqualTo("eu-west");
      assertThat(rs.getString(6)).isEqualTo("agent-7.a:b@c");
      assertThat(rs.getTimestamp(7).toInstant()).isEqualTo(Instant.parse("2026-03-04T05:06:07.118456Z"));
      assertThat(rs.getBoolean(8)).isFalse();
      assertThat(rs.getString(9)).isEqualTo("PATTERN_MISSING");
      assertThat(rs.getInt(10)).isEqualTo(200);
      assertThat(List.of(rs.getLong(11), rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16)))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 15L);
      assertThat(rs.getLong(17)).isEqualTo(123_456_789_012L);
      assertThat(rs.getString(18)).isEqualTo("HTTP/2");
      assertThat(rs.getString(19)).isEqualTo("[2001:db8::1]");
      assertThat(rs.getTimestamp(20).toInstant()).isEqualTo(Instant.parse("9999-12-31T23:59:59.999999Z"));
      assertThat(rs.getInt(21)).isEqualTo(3);
      assertThat(rs.getString(22)).isEqualTo("https://example.com/a?b=c%5Cd");
      assertThat(rs.getString(23)).isEqualTo("tab\there, newline\nthere, backslash \\ and NUL \uFFFD and ünïcödé 🎉");
      assertThat(rs.getBoolean(24)).isTrue();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("t-2");
      assertThat(rs.getString(9)).isEqualTo("DNS");
      for (int col : new int[] {10, 18, 19, 20, 22, 23}) {
        assertThat(rs.getObject(col)).as("column %d", col).isNull();
      }
      assertThat(rs.getInt(21)).isZero();
      assertThat(rs.getBoolean(24)).isFalse();
    }
    assertThat(count(ds, "SELECT next_offset FROM sink_offset WHERE consumer_group = 'g' AND topic = 'r' AND partition = 0"))
        .isEqualTo(2);
  }

  @Test
  void keepsTheNewestStatusPerTargetAndLocationWithTheStartOfItsState() throws Exception {
    knownTargets("a");
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    Instant t = NOW.minusSeconds(600);
    write(w, results(up("a", "eu", t, 100), up("a", "eu", t.plusSeconds(60), 200), down("a", "us", t, 300)));
    assertThat(status("a", "eu")).isEqualTo("true|" + t.plusSeconds(60) + "|" + t + "|200");
    assertThat(status("a", "us")).isEqualTo("false|" + t + "|" + t + "|300");

    // Same state: since stays.
    write(w, results(up("a", "eu", t.plusSeconds(120), 210)));
    assertThat(status("a", "eu")).isEqualTo("true|" + t.plusSeconds(120) + "|" + t + "|210");
    // State changes within a batch: since = start of the last run.
    write(w, results(down("a", "eu", t.plusSeconds(180), 1), down("a", "eu", t.plusSeconds(240), 2)));
    assertThat(status("a", "eu")).isEqualTo("false|" + t.plusSeconds(240) + "|" + t.plusSeconds(180) + "|2");
    write(w, results(up("a", "eu", t.plusSeconds(300), 3), down("a", "eu", t.plusSeconds(360), 4)));
    assertThat(status("a", "eu")).isEqualTo("false|" + t.plusSeconds(360) + "|" + t.plusSeconds(360) + "|4");
    // An older result arriving late changes nothing.
    write(w, results(up("a", "eu", t.plusSeconds(30), 5)));
    assertThat(status("a", "eu")).isEqualTo("false|" + t.plusSeconds(360) + "|" + t.plusSeconds(360) + "|4");
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(9);
  }

  /** Targets in the target table (status rows are written only for those). */
  private void knownTargets(String... ids) throws Exception {
    try (Connection c = ds.getConnection()) {
      for (String id : ids) {
        new dev.webmon.store.Targets().upsert(c, Fixtures.target(id, 1));
      }
    }
  }

  @Test
  void aTargetDeletedInThisOrAnEarlierBatchGetsNoStatusRows() throws Exception {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    // Created and checked in one batch: its status is written (the target change comes first).
    write(w, batch(List.of(target(0, "x", 1), target(1, "y", 1), resultRecord(RESULTS, 0, nextOffset++, up("x", "eu", NOW, 1)))));
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'x'")).isEqualTo(1);

    // Deleted, and results of checks that ran before the deletion in the same batch and the next.
    write(w, batch(List.of(record(TARGETS, 0, 2, "x", null), resultRecord(RESULTS, 0, nextOffset++, up("x", "us", NOW, 1)))));
    write(w, results(up("x", "eu", NOW.plusSeconds(1), 1), up("x", "ap", NOW, 1), up("y", "eu", NOW, 1), up("never", "eu", NOW, 1)));

    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'x'")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'never'")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'y'")).isEqualTo(1);
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(6);
  }

  private String status(String target, String location) throws Exception {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT up, started_at, since, total_us FROM target_status WHERE target_id = '" + target
                    + "' AND location = '" + location + "'")) {
      assertThat(rs.next()).as("status of %s/%s", target, location).isTrue();
      return rs.getBoolean(1) + "|" + rs.getTimestamp(2).toInstant() + "|" + rs.getTimestamp(3).toInstant() + "|" + rs.getLong(4);
    }
  }

  @Test
  void aBatchBuiltOnOffsetsAnotherInstanceMovedWritesNothing() throws Exception {
    knownTargets("a", "b", "c", "d");
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    Batch first = results(up("a", "eu", NOW, 1));
    Map<TopicPartition, Long> before = new HashMap<>(stored);
    assertThat(write(w, first).outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);

    // A zombie built its batch on the state before the first batch (no row): fenced.
    stored.clear();
    stored.putAll(before);
    Batch zombie = results(up("b", "eu", NOW, 1));
    assertThat(w.write(zombie).outcome()).isEqualTo(BatchWriter.Outcome.FENCED);
    // Built on a wrong offset: fenced.
    stored.put(new TopicPartition(RESULTS, 0), 99L);
    assertThat(w.write(results(up("c", "eu", NOW, 1))).outcome()).isEqualTo(BatchWriter.Outcome.FENCED);
    // Built on the right offset: written.
    stored.put(new TopicPartition(RESULTS, 0), 1L);
    nextOffset = 1;
    assertThat(write(w, results(up("d", "eu", NOW, 1))).outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);

    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(2);
    assertThat(count(ds, "SELECT count(*) FROM target_status")).isEqualTo(2);
    assertThat(count(ds, "SELECT count(*) FROM check_result WHERE target_id IN ('b', 'c')")).isZero();
    assertThat(count(ds, "SELECT next_offset FROM sink_offset")).isEqualTo(2);
  }

  @Test
  void aResultPublishedTwiceIsStoredOnce() {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    CheckResult once = up("a", "eu", NOW, 1);
    assertThat(write(w, results(once, up("b", "eu", NOW, 1))).rows()).isEqualTo(2);

    // The staged path (INSERT ... SELECT of the COPY columns) keeps the maintenance flag too.
    BatchWriter.Written again = write(w, results(up("c", "eu", NOW, 1).withMaintenance(true), once, once));

    assertThat(again.outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);
    assertThat(again.rows()).isEqualTo(1);
    assertThat(again.duplicates()).isEqualTo(2);
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(3);
    assertThat(count(ds, "SELECT next_offset FROM sink_offset")).isEqualTo(5);
    assertThat(count(ds, "SELECT count(*) FROM check_result WHERE maintenance AND target_id = 'c'")).isEqualTo(1);
  }

  @Test
  void targetsMoveOnlyToHigherVersionsAndTombstonesDeleteThem() throws Exception {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    write(w, batch(List.of(target(0, "x", 2), target(1, "y", 1), resultRecord(RESULTS, 0, nextOffset++, up("x", "eu", NOW, 1)))));
    write(w, batch(List.of(target(2, "x", 1))));
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, name, interval_seconds, tags[1], spec->>'id' FROM target WHERE id = 'x'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(2);
      assertThat(rs.getString(2)).isEqualTo("Target x v2");
      assertThat(rs.getInt(3)).isEqualTo(60);
      assertThat(rs.getString(4)).isEqualTo("env:test");
      assertThat(rs.getString(5)).isEqualTo("x");
    }

    write(w, batch(List.of(record(TARGETS, 0, 3, "x", null))));

    assertThat(count(ds, "SELECT count(*) FROM target WHERE id = 'x'")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM target_status WHERE target_id = 'x'")).isZero();
    assertThat(count(ds, "SELECT count(*) FROM target WHERE id = 'y'")).isEqualTo(1);
    assertThat(count(ds, "SELECT next_offset FROM sink_offset WHERE topic = 't'")).isEqualTo(4);
  }

  private ConsumerRecord<byte[], byte[]> target(long offset, String id, long version) {
    return record(TARGETS, 0, offset, id, CODEC.encode(Fixtures.target(id, version)));
  }

  @Test
  void dataPostgresqlRefusesGoesToTheDeadLetterTopicAndTheRestIsWritten() {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    // The codec refuses NUL in the fields it knows; a field of a later minor version may carry
    // one, and the target's JSON is stored as jsonb, which cannot hold it.
    String json = new String(CODEC.encode(Fixtures.target("nul", 1)), java.nio.charset.StandardCharsets.UTF_8);
    json = json.substring(0, json.length() - 1) + ",\"laterField\":\"a NUL \\u0000 PostgreSQL cannot store\"}";
    ConsumerRecord<byte[], byte[]> bad = record(TARGETS, 0, 0, "nul", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(CODEC.decodeTarget(bad.value()).id()).isEqualTo("nul");
    Batch b = batch(List.of(bad, target(1, "ok", 1), resultRecord(RESULTS, 0, nextOffset++, up("ok", "eu", NOW, 1))));

    BatchWriter.Written written = write(w, b);

    assertThat(written.outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);
    assertThat(written.refused()).isEqualTo(1);
    assertThat(count(ds, "SELECT count(*) FROM target")).isEqualTo(1);
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dlq = SinkTestSupport.readAll(kafka, topics.dlq(), 1, Duration.ofSeconds(30));
    assertThat(dlq).hasSize(1);
    assertThat(header(dlq.get(0), DeadLetters.ERROR)).isEqualTo("DB_REJECTED");
    assertThat(header(dlq.get(0), DeadLetters.DETAIL)).contains("22P05");
    assertThat(header(dlq.get(0), DeadLetters.SOURCE_TOPIC)).isEqualTo(TARGETS);
    assertThat(header(dlq.get(0), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(dlq.get(0).value()).isEqualTo(bad.value());
  }

  @Test
  void rowsOfHoursThatEndedLongAgoMarkThemForARollupRecompute() {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    Instant old = NOW.minus(Duration.ofHours(3)).truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(10));
    write(w, results(up("a", "eu", old, 1), up("a", "eu", old.plusSeconds(1), 1), up("a", "eu", NOW, 1)));

    assertThat(count(ds, "SELECT count(*) FROM check_rollup_dirty")).isEqualTo(1);
    assertThat(count(ds, "SELECT extract(epoch FROM hour)::bigint FROM check_rollup_dirty"))
        .isEqualTo(old.truncatedTo(ChronoUnit.HOURS).getEpochSecond());
  }

  private ConsumerRecord<byte[], byte[]> incident(long offset, IncidentEvent e) {
    return record(INCIDENTS, 0, offset, e.targetId(), CODEC.encode(e));
  }

  @Test
  void incidentEventsCommitWithTheOffsetsAndAFencedBatchWritesNoneOfThem() {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    UUID id = UUID.randomUUID();
    List<IncidentEvent> life = IncidentFixtures.lifecycle(id, "a");
    Map<TopicPartition, Long> before = new HashMap<>(stored);
    write(w, batch(List.of(incident(0, life.get(0)), resultRecord(RESULTS, 0, nextOffset++, up("a", "eu", NOW, 1)), incident(1, life.get(1)))));
    assertThat(count(ds, "SELECT last_seq FROM incident WHERE id = '" + id + "'")).isEqualTo(2);

    // A zombie's batch built on the offsets before: nothing of it is stored.
    Map<TopicPartition, Long> after = new HashMap<>(stored);
    stored.clear();
    stored.putAll(before);
    assertThat(w.write(batch(List.of(incident(0, life.get(2))))).outcome()).isEqualTo(BatchWriter.Outcome.FENCED);
    stored.putAll(after);
    assertThat(count(ds, "SELECT count(*) FROM incident WHERE state = 'open' AND last_seq = 2")).isOne();
    assertThat(count(ds, "SELECT count(*) FROM incident_event")).isEqualTo(2);

    write(w, batch(List.of(incident(2, life.get(2)), incident(3, life.get(3)), incident(4, life.get(4)))));

    assertThat(count(ds, "SELECT count(*) FROM incident WHERE state = 'resolved' AND last_seq = 5")).isOne();
    assertThat(count(ds, "SELECT count(*) FROM incident_event")).isEqualTo(5);
    assertThat(count(ds, "SELECT next_offset FROM sink_offset WHERE topic = 'i'")).isEqualTo(5);
  }

  @Test
  void incidentEventsOfABatchWrittenRowByRowAreStoredToo() {
    BatchWriter w = writer(CopyEncoder.Format.BINARY);
    String json = new String(CODEC.encode(Fixtures.target("nul", 1)), java.nio.charset.StandardCharsets.UTF_8);
    json = json.substring(0, json.length() - 1) + ",\"laterField\":\"a NUL \\u0000 PostgreSQL cannot store\"}";
    ConsumerRecord<byte[], byte[]> bad = record(TARGETS, 0, 0, "nul", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    UUID id = UUID.randomUUID();
    List<IncidentEvent> life = IncidentFixtures.lifecycle(id, "a");

    BatchWriter.Written written =
        write(w, batch(List.of(bad, incident(0, life.get(1)), incident(1, life.get(0)), incident(2, life.get(2)), incident(3, life.get(0)))));

    assertThat(written.outcome()).isEqualTo(BatchWriter.Outcome.COMMITTED);
    assertThat(written.refused()).as("the target only").isEqualTo(1);
    assertThat(count(ds, "SELECT count(*) FROM incident WHERE state = 'acknowledged' AND last_seq = 3 AND severity = 'degraded'"))
        .isOne();
    assertThat(count(ds, "SELECT count(*) FROM incident_event")).isEqualTo(3);
  }
}
