package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.store.IncidentFixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink loop driven through {@link SinkLoop#runOnce()} over in-memory fakes of our consumer and
 * store interfaces, with the real decoder and a hand-moved clock. Writes run inline (each one is
 * over when it is handed over) unless a test needs a batch in flight: then on a real writer
 * thread, held at the fake store's gate.
 */
class SinkLoopTest {
  private static final TopicsConfig TOPICS = new TopicsConfig("t", 2, 1, Duration.ofDays(7), Duration.ofDays(30));
  private static final TopicPartition R0 = new TopicPartition(TOPICS.results(), 0);
  private static final TopicPartition R1 = new TopicPartition(TOPICS.results(), 1);
  private static final TopicPartition T0 = new TopicPartition(TOPICS.targets(), 0);
  private static final TopicPartition I0 = new TopicPartition(TOPICS.incidents(), 0);
  private static final SinkConfig CONFIG =
      SinkConfig.defaults(Map.of("sink.batch-max-records", "3", "sink.retry-backoff-max", "4s"));
  private static final Duration LINGER = CONFIG.batchMaxLinger();

  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T10:00:00Z"));
  private final FakeConsumer consumer = new FakeConsumer(clock);
  private final FakeStore store = new FakeStore(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Integer> committedRows = new ArrayList<>();
  private ExecutorService writerThread = new DirectExecutor();
  private SinkLoop loop;

  private void start() {
    loop =
        new SinkLoop(
            consumer, store, writerThread, new EventCodec(), CONFIG, TOPICS, new SinkMetrics(registry), clock,
            (rows, latencies) -> committedRows.add(rows));
    loop.subscribe();
  }

  /** Writes on a real thread, so that a batch can be in flight while the loop goes on. */
  private ExecutorService startWithWriterThread() {
    writerThread = Executors.newSingleThreadExecutor();
    start();
    return writerThread;
  }

  @AfterEach
  void stopWriterThread() {
    store.releaseWrites();
    writerThread.shutdownNow();
  }

  private CheckResult result(TopicPartition tp, String target) {
    CheckResult r = Fixtures.up(target, "eu", clock.instant(), 1_000);
    consumer.append(tp, target, Fixtures.CODEC.encode(r));
    return r;
  }

  private List<CheckResult> results(TopicPartition tp, int n) {
    List<CheckResult> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(result(tp, "target-" + tp.partition() + "-" + i));
    }
    return out;
  }

  private static List<UUID> ids(List<CheckResult> results) {
    return results.stream().map(CheckResult::resultId).toList();
  }

  @SafeVarargs
  private static List<UUID> ids(List<CheckResult>... lists) {
    List<UUID> out = new ArrayList<>();
    for (List<CheckResult> list : lists) {
      out.addAll(ids(list));
    }
    return out;
  }

  private double counter(String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  private double postgresAvailable() {
    return registry.get("webmon.sink.postgres.available").gauge().value();
  }

  @Test
  void writesEachRecordOnceWithItsOffsetsAndReportsTheCommit() {
    start();
    assertThat(consumer.subscribed()).containsExactly(TOPICS.results(), TOPICS.targets(), TOPICS.incidents());
    consumer.assignAtNextPoll(R0, R1);
    List<CheckResult> sent = List.of(result(R0, "a"), result(R0, "b"), result(R1, "c"));

    loop.runOnce(); // assigned (no stored offsets: from the beginning), 3 fetched: a full batch, written
    loop.runOnce(); // its outcome taken

    assertThat(ids(store.results())).containsExactlyInAnyOrderElementsOf(ids(sent));
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 2L, R1, 1L));
    assertThat(consumer.committed).isEqualTo(Map.of(R0, 2L, R1, 1L));
    assertThat(committedRows).containsExactly(3);
    assertThat(counter("webmon.sink.rows")).isEqualTo(3);
    assertThat(counter("webmon.sink.records", "topic", TOPICS.results())).isEqualTo(3);
    assertThat(counter("webmon.sink.partitions", "event", "assigned")).isEqualTo(2);
  }

  @Test
  void startsAtTheOffsetsStoredInPostgresqlAndClosesABatchOnLinger() {
    List<CheckResult> sent = results(R0, 3);
    store.moveOffset(R0, 2);
    start();
    consumer.assignAtNextPoll(R0);

    loop.runOnce(); // assigned at offset 2: one record fetched, the batch is not full
    assertThat(consumer.pollTimeouts.getLast()).isEqualTo(SinkLoop.IDLE_POLL);
    clock.advance(LINGER.minusMillis(1));
    loop.runOnce();
    assertThat(consumer.pollTimeouts.getLast()).isEqualTo(Duration.ofMillis(1)); // woken for the linger
    assertThat(store.attempts()).isEmpty();
    clock.advance(Duration.ofMillis(1));
    loop.runOnce(); // lingered out: written
    loop.runOnce();

    assertThat(ids(store.results())).containsExactly(sent.get(2).resultId());
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 3L));
  }

  @Test
  void aFencedBatchIsDroppedAndTheOffsetsAreReadAgain() {
    start();
    consumer.assignAtNextPoll(R0);
    loop.runOnce(); // assigned: nothing stored, from the beginning
    List<CheckResult> sent = results(R0, 3);
    store.moveOffset(R0, 2); // another instance took R0 meanwhile and wrote its first two records

    loop.runOnce(); // a full batch built on "nothing stored": fenced
    assertThat(store.results()).isEmpty();
    loop.runOnce(); // dropped; R0's offset read again (2): record 2 fetched again
    clock.advance(LINGER);
    loop.runOnce(); // that batch lingered out: written on offset 2
    loop.runOnce();

    assertThat(ids(store.results())).containsExactly(sent.get(2).resultId());
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 3L));
    assertThat(counter("webmon.sink.batches.fenced")).isEqualTo(1);
    assertThat(committedRows).containsExactly(1);
  }

  @Test
  void anUnavailableBatchHaltsTheWriterAndTheBatchBehindItWaitsItsTurn() throws Exception {
    ExecutorService writer = startWithWriterThread();
    consumer.assignAtNextPoll(R0);
    loop.runOnce();
    store.holdWrites();
    List<CheckResult> first = results(R0, 3);
    loop.runOnce(); // batch 1 handed to the writer, held at the gate
    store.writeStarted.acquire();
    List<CheckResult> second = results(R0, 3);
    loop.runOnce(); // batch 2 handed over behind it
    store.down(true);
    store.releaseWrites();
    writer.submit(() -> {}).get(); // both writes are over
    assertThat(store.attempts()).as("batch 2 skipped, not attempted").hasSize(1);

    loop.runOnce(); // batch 1 failed for unavailability
    assertThat(postgresAvailable()).isZero();
    assertThat(counter("webmon.sink.unavailable")).isEqualTo(1);
    assertThat(consumer.paused()).as("all paused while batches wait").containsExactly(R0);
    assertThat(consumer.pollTimeouts.getLast()).isEqualTo(Duration.ofMillis(500));
    int polls = consumer.polls;
    clock.advance(Duration.ofMillis(499));
    loop.runOnce();
    assertThat(store.attempts()).as("no retry before the backoff").hasSize(1);
    assertThat(consumer.polls).as("still polling (group membership)").isEqualTo(polls + 1);
    clock.advance(Duration.ofMillis(1));
    loop.runOnce(); // retry: still down, now 1 s
    assertThat(store.attempts()).hasSize(2);
    store.down(false);
    clock.advance(Duration.ofSeconds(1));
    loop.runOnce(); // batch 1 written
    loop.runOnce(); // then batch 2

    assertThat(ids(store.results())).containsExactlyElementsOf(ids(first, second));
    assertThat(store.attempts()).extracting(b -> b.results.get(0).resultId())
        .containsExactly(first.get(0).resultId(), first.get(0).resultId(), first.get(0).resultId(), second.get(0).resultId());
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 6L));
    assertThat(postgresAvailable()).isOne();
    assertThat(consumer.paused()).isEmpty();
  }

  @Test
  void aWriteFailingForAnotherReasonStopsTheLoop() {
    start();
    consumer.assignAtNextPoll(R0);
    loop.runOnce();
    IllegalStateException boom = new IllegalStateException("boom");
    store.failNextWrite(boom);
    results(R0, 3);
    loop.runOnce(); // written inline: failed

    assertThatThrownBy(loop::runOnce).isSameAs(boom);
    assertThat(store.results()).isEmpty();
    assertThat(store.offsets()).isEmpty();
  }

  @Test
  void aPostgresqlOutageAtAssignmentKeepsThePartitionPausedAndRetriesWithADoublingCappedBackoff() {
    store.down(true);
    List<CheckResult> sent = results(R0, 2);
    start();
    consumer.assignAtNextPoll(R0);
    loop.runOnce(); // the stored offset cannot be read: R0 stays paused (the fake fails a fetch without a seek)
    assertThat(consumer.paused()).containsExactly(R0);
    assertThat(postgresAvailable()).isZero();

    for (long wait : new long[] {500, 1_000, 2_000, 4_000, 4_000}) {
      int reads = store.reads();
      clock.advance(Duration.ofMillis(wait - 1));
      loop.runOnce();
      assertThat(store.reads()).as("no attempt 1 ms before the %d ms backoff ends", wait).isEqualTo(reads);
      assertThat(consumer.pollTimeouts.getLast()).as("woken for the attempt").isEqualTo(Duration.ofMillis(1));
      clock.advance(Duration.ofMillis(1));
      loop.runOnce();
      assertThat(store.reads()).as("an attempt after %d ms", wait).isEqualTo(reads + 1);
      assertThat(consumer.paused()).containsExactly(R0);
    }
    assertThat(counter("webmon.sink.unavailable")).isEqualTo(6);

    store.down(false);
    clock.advance(Duration.ofSeconds(4));
    loop.runOnce(); // read: R0 sought to the beginning and resumed
    assertThat(postgresAvailable()).isOne();
    loop.runOnce(); // fetched
    clock.advance(LINGER);
    loop.runOnce();
    loop.runOnce();
    assertThat(ids(store.results())).containsExactlyElementsOf(ids(sent));
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 2L));
  }

  @Test
  void aRevocationWithABatchInFlightWritesItAndTheBuildingOneBeforeGivingThePartitionUp() throws Exception {
    startWithWriterThread();
    consumer.assignAtNextPoll(R0, R1);
    loop.runOnce();
    store.holdWrites();
    List<CheckResult> inFlight = results(R0, 3);
    loop.runOnce(); // batch 1 handed to the writer, held at the gate
    store.writeStarted.acquire();
    List<CheckResult> building = results(R1, 1);
    loop.runOnce(); // fetched into the batch being built
    assertThat(consumer.pollTimeouts.getLast()).isEqualTo(SinkLoop.IN_FLIGHT_POLL);
    List<Integer> committedWhenRevoked = new ArrayList<>();
    consumer.atNextPoll(
        () -> {
          committedWhenRevoked.add(store.committed());
          store.releaseWrites();
        });
    consumer.revokeAtNextPoll(R0);

    loop.runOnce(); // R0 revoked: batch 1 and the building batch are written before it is given up

    assertThat(committedWhenRevoked).as("batch 1 still in flight when the revocation began").containsExactly(0);
    assertThat(ids(store.results())).containsExactlyElementsOf(ids(inFlight, building));
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 3L, R1, 1L));
    assertThat(consumer.committed).isEqualTo(Map.of(R0, 3L, R1, 1L));
    assertThat(counter("webmon.sink.partitions", "event", "revoked")).isEqualTo(1);
    List<CheckResult> later = results(R1, 3);
    loop.runOnce();
    loop.runOnce();
    writerThread.submit(() -> {}).get(); // the writer thread is done with what it was handed
    assertThat(ids(store.results())).containsExactlyElementsOf(ids(inFlight, building, later));
  }

  @Test
  void aRevocationWhilePostgresqlIsDownDropsThePendingBatchAndSeeksTheKeptPartitionBack() {
    start();
    consumer.assignAtNextPoll(R0, R1);
    loop.runOnce();
    store.down(true);
    results(R0, 2);
    List<CheckResult> kept = results(R1, 1);
    loop.runOnce(); // a full batch of both partitions: failed
    loop.runOnce(); // waiting for PostgreSQL
    consumer.revokeAtNextPoll(R0);
    loop.runOnce(); // cannot write it: dropped; R1 sought back to its stored offset (none: the beginning)
    assertThat(consumer.position(R1)).contains(0L);

    store.down(false);
    clock.advance(Duration.ofMillis(500));
    loop.runOnce(); // R1 resumed and read again
    clock.advance(LINGER);
    loop.runOnce();
    loop.runOnce();

    assertThat(ids(store.results())).as("R0's records are the new owner's").containsExactlyElementsOf(ids(kept));
    assertThat(store.offsets()).isEqualTo(Map.of(R1, 1L));
    assertThat(postgresAvailable()).isOne();
  }

  @Test
  void aLostPartitionDropsPendingWorkAtOnceAndTheKeptPartitionIsReadAgain() {
    start();
    consumer.assignAtNextPoll(R0, R1);
    loop.runOnce();
    results(R0, 1);
    List<CheckResult> kept = results(R1, 1);
    loop.runOnce(); // both in the batch being built
    consumer.loseAtNextPoll(R0);
    loop.runOnce(); // dropped at once; R1 read again from its stored offset
    clock.advance(LINGER);
    loop.runOnce();
    loop.runOnce();

    assertThat(ids(store.results())).containsExactlyElementsOf(ids(kept));
    assertThat(store.attempts()).hasSize(1);
    assertThat(store.offsets()).isEqualTo(Map.of(R1, 1L));
    assertThat(counter("webmon.sink.partitions", "event", "lost")).isEqualTo(1);
  }

  @Test
  void poisonRecordsBecomeDeadLettersAndTheRestIsWritten() {
    start();
    consumer.assignAtNextPoll(R0, T0);
    CheckResult good = result(R0, "a");
    consumer.append(R0, "a", "{not json".getBytes(StandardCharsets.UTF_8));
    consumer.append(R0, "not-a", Fixtures.CODEC.encode(Fixtures.up("a", "eu", clock.instant(), 1_000)));
    byte[] t1 = Fixtures.CODEC.encode(Fixtures.target("t1", 1));
    consumer.append(T0, "t1", t1);
    consumer.append(T0, "t2", Fixtures.CODEC.encode(Fixtures.target("t2", 1)));
    consumer.append(T0, "t2", null); // tombstone: the last change of t2 in the batch wins
    consumer.append(T0, "bad key!", Fixtures.CODEC.encode(Fixtures.target("t3", 1)));

    loop.runOnce();
    loop.runOnce();

    assertThat(ids(store.results())).containsExactly(good.resultId());
    assertThat(store.targets()).isEqualTo(Map.of("t1", new String(t1, StandardCharsets.UTF_8)));
    assertThat(store.deadLetters())
        .extracting(l -> l.reason + "@" + l.source.topic() + "-" + l.source.offset())
        .containsExactly("MALFORMED_JSON@t.results-1", "WRONG_KEY@t.results-2", "WRONG_KEY@t.targets-3");
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 3L, T0, 4L));
    assertThat(counter("webmon.sink.dead.letters", "reason", "MALFORMED_JSON")).isEqualTo(1);
    assertThat(counter("webmon.sink.dead.letters", "reason", "WRONG_KEY")).isEqualTo(2);
    assertThat(counter("webmon.sink.records", "topic", TOPICS.targets())).isEqualTo(4);
  }

  @Test
  void recordsDeletedByRetentionBeforeTheyWereReadAreCountedAsLostAndTheRestIsWritten() {
    List<CheckResult> sent = results(R0, 6);
    store.moveOffset(R0, 1);
    consumer.deleteBefore(R0, 4);
    start();
    consumer.assignAtNextPoll(R0);

    loop.runOnce(); // sought to the stored offset 1, which retention deleted: the fetch is out of range
    assertThat(counter("webmon.sink.records.lost.to.retention", "topic", TOPICS.results())).isEqualTo(3);
    assertThat(consumer.position(R0)).as("going on at the log start").contains(4L);
    loop.runOnce(); // 4 and 5 fetched
    clock.advance(LINGER);
    loop.runOnce();
    loop.runOnce();

    assertThat(ids(store.results())).containsExactlyElementsOf(ids(sent.subList(4, 6)));
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 6L));
  }

  private void incident(IncidentEvent e) {
    consumer.append(I0, e.targetId(), Fixtures.CODEC.encode(e));
  }

  @Test
  void incidentEventsAreWrittenInTheBatchOfTheResultsWithTheirOffsets() {
    start();
    consumer.assignAtNextPoll(R0, I0);
    List<IncidentEvent> life = IncidentFixtures.lifecycle(UUID.randomUUID(), "a");
    CheckResult r = result(R0, "a");
    life.subList(0, 2).forEach(this::incident);

    loop.runOnce(); // one result and two incident events: a full batch, written
    loop.runOnce();

    assertThat(ids(store.results())).containsExactly(r.resultId());
    assertThat(store.incidents()).containsExactlyElementsOf(life.subList(0, 2));
    assertThat(store.attempts()).hasSize(1);
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 1L, I0, 2L));
    assertThat(consumer.committed).isEqualTo(Map.of(R0, 1L, I0, 2L));
    assertThat(committedRows).as("rows are check results").containsExactly(1);
    assertThat(counter("webmon.sink.records", "topic", TOPICS.incidents())).isEqualTo(2);

    life.subList(2, 5).forEach(this::incident);
    loop.runOnce();
    loop.runOnce();
    assertThat(store.incidents()).containsExactlyElementsOf(life);
    assertThat(store.offsets()).isEqualTo(Map.of(R0, 1L, I0, 5L));
  }

  @Test
  void poisonIncidentRecordsBecomeDeadLettersAndTheSinkKeepsGoing() {
    start();
    consumer.assignAtNextPoll(I0);
    List<IncidentEvent> life = IncidentFixtures.lifecycle(UUID.randomUUID(), "a");
    String opened = new String(Fixtures.CODEC.encode(life.get(0)), StandardCharsets.UTF_8);
    consumer.append(I0, "a", "{not json".getBytes(StandardCharsets.UTF_8));
    consumer.append(I0, "b", Fixtures.CODEC.encode(life.get(0))); // key is not the targetId
    consumer.append(I0, "a", null); // a tombstone is no incident event
    consumer.append(I0, "a", opened.replace("\"seq\":1", "\"seq\":0").getBytes(StandardCharsets.UTF_8));
    consumer.append(I0, "a", opened.replace("\"kind\":\"OPENED\"", "\"kind\":\"REOPENED\"").getBytes(StandardCharsets.UTF_8));
    consumer.append(I0, null, Fixtures.CODEC.encode(life.get(0)));
    incident(life.get(0));

    loop.runOnce();
    loop.runOnce();

    assertThat(store.incidents()).containsExactly(life.get(0));
    assertThat(store.deadLetters())
        .extracting(l -> l.reason + "@" + l.source.offset())
        .containsExactly("MALFORMED_JSON@0", "WRONG_KEY@1", "EMPTY@2", "INVALID_VALUE@3", "INVALID_VALUE@4", "WRONG_KEY@5");
    assertThat(store.offsets()).isEqualTo(Map.of(I0, 7L));
    assertThat(counter("webmon.sink.dead.letters", "reason", "WRONG_KEY")).isEqualTo(2);

    incident(life.get(1));
    loop.runOnce(); // fetched
    clock.advance(LINGER);
    loop.runOnce(); // lingered out: written
    loop.runOnce();
    assertThat(store.incidents()).containsExactlyElementsOf(life.subList(0, 2));
    assertThat(store.offsets()).isEqualTo(Map.of(I0, 8L));
  }
}
