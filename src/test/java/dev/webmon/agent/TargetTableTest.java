package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TargetTableTest {
  private static final TopicPartition P0 = new TopicPartition("webmon.targets", 0);
  private static final TopicPartition P1 = new TopicPartition("webmon.targets", 1);

  private final FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final List<String> fired = new ArrayList<>();
  private final Scheduler<TargetSpec> scheduler =
      new Scheduler<>(clock, clock::nanoTime, (id, spec, at) -> fired.add(id + "@v" + spec.version()));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);
  private final EventCodec codec = new EventCodec();
  private final TargetTable table = new TargetTable(scheduler, codec, metrics, Duration.ofSeconds(2));

  private static TargetSpec spec(String id, long version) {
    return TargetSpec.builder(id, "https://example.com/" + id).version(version).interval(Duration.ofMinutes(1)).build();
  }

  private byte[] bytes(TargetSpec spec) {
    return codec.encode(spec);
  }

  @Test
  void existingTargetsStartWithinTheSpreadAndLiveChangesAtOnce() {
    table.assigned(Map.of(P0, 2L));
    table.apply(P0, 0, "a", bytes(spec("a", 1)));
    table.apply(P0, 1, "b", bytes(spec("b", 1)));
    assertThat(scheduler.nextRun("a").orElseThrow()).isBetween(clock.instant(), clock.instant().plusSeconds(2));
    table.apply(P0, 2, "c", bytes(spec("c", 1)));
    assertThat(scheduler.nextRun("c")).contains(clock.instant());
    assertThat(table.targetCount()).isEqualTo(3);
    assertThat(registry.get("webmon.agent.targets").gauge().value()).isEqualTo(3);
    assertThat(registry.get("webmon.agent.assigned.partitions").gauge().value()).isEqualTo(1);
  }

  @Test
  void aBulkOfLiveAdditionsIsSpreadOverTheIntervalWhileAFewAreCheckedAtOnce() {
    table.assigned(Map.of(P0, 0L));
    List<ConsumerRecord<String, byte[]>> few = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      few.add(new ConsumerRecord<>(P0.topic(), 0, i, "few" + i, bytes(spec("few" + i, 1))));
    }
    table.applyAll(few);
    for (int i = 0; i < 3; i++) {
      assertThat(scheduler.nextRun("few" + i)).contains(clock.instant());
    }

    int bulk = 6_000;
    List<ConsumerRecord<String, byte[]>> poll = new ArrayList<>();
    for (int i = 0; i < bulk; i++) {
      poll.add(new ConsumerRecord<>(P0.topic(), 0, 3 + i, "bulk" + i, bytes(spec("bulk" + i, 1))));
    }
    table.applyAll(poll);
    assertThat(table.targetCount()).isEqualTo(bulk + 3);
    int[] perSecond = new int[60];
    for (int i = 0; i < bulk; i++) {
      Instant due = scheduler.nextRun("bulk" + i).orElseThrow();
      assertThat(due).isBetween(clock.instant(), clock.instant().plusSeconds(60));
      long second = Duration.between(clock.instant(), due).toSeconds();
      perSecond[(int) Math.min(59, second)]++;
    }
    // Spread over the 60 s interval: no second holds more than twice its share (100).
    assertThat(java.util.Arrays.stream(perSecond).max().orElseThrow()).isLessThan(200);
    assertThat(perSecond[0]).isLessThan(200);
  }

  @Test
  void aHigherVersionReplacesAndRunsAtOnceWhileOlderOrEqualOnesAreIgnored() {
    table.assigned(Map.of(P0, 0L));
    table.apply(P0, 0, "a", bytes(spec("a", 2)));
    scheduler.runOnce(clock.instant());
    clock.advance(Duration.ofSeconds(1));
    table.apply(P0, 1, "a", bytes(spec("a", 1)));
    table.apply(P0, 2, "a", bytes(spec("a", 2)));
    assertThat(scheduler.get("a").orElseThrow().version()).isEqualTo(2);
    assertThat(scheduler.nextRun("a").orElseThrow()).isAfter(clock.instant());
    table.apply(P0, 3, "a", bytes(spec("a", 3)));
    assertThat(scheduler.nextRun("a")).contains(clock.instant());
    scheduler.runOnce(clock.instant());
    assertThat(fired).containsExactly("a@v2", "a@v3");
  }

  @Test
  void aTombstoneStopsTheTarget() {
    table.assigned(Map.of(P0, 0L));
    table.apply(P0, 0, "a", bytes(spec("a", 1)));
    table.apply(P0, 1, "a", null);
    assertThat(scheduler.get("a")).isEmpty();
    assertThat(table.targetCount()).isZero();
    table.apply(P0, 2, "never-seen", null);
    assertThat(table.targetCount()).isZero();
  }

  @Test
  void badRecordsAreCountedAndSkipped() {
    table.assigned(Map.of(P0, 0L));
    table.apply(P0, 0, "a", "{not json".getBytes(StandardCharsets.UTF_8));
    table.apply(P0, 1, "a", new byte[] {(byte) 0xff, (byte) 0xfe});
    table.apply(P0, 2, "other", bytes(spec("a", 1)));
    table.apply(P0, 3, null, bytes(spec("a", 1)));
    table.apply(P0, 4, "a", "{\"v\":\"1.0\"}".getBytes(StandardCharsets.UTF_8));
    table.apply(P0, 5, "b", bytes(spec("b", 1)));
    assertThat(metrics.invalidTargetRecordCount()).isEqualTo(5);
    assertThat(registry.get("webmon.agent.invalid.target.records").tag("error", "key_mismatch").counter().count()).isEqualTo(1);
    assertThat(registry.get("webmon.agent.invalid.target.records").tag("error", "malformed_json").counter().count()).isEqualTo(1);
    assertThat(table.targetCount()).isEqualTo(1);
    assertThat(scheduler.get("b")).isPresent();
  }

  @Test
  void removedPartitionsStopTheirTargetsOnly() {
    table.assigned(Map.of(P0, 0L, P1, 0L));
    table.apply(P0, 0, "a", bytes(spec("a", 1)));
    table.apply(P1, 0, "b", bytes(spec("b", 1)));
    assertThat(table.removed(List.of(P0))).isEqualTo(1);
    assertThat(scheduler.get("a")).isEmpty();
    assertThat(scheduler.get("b")).isPresent();
    assertThat(table.partitionCount()).isEqualTo(1);
    // A record fetched before the revocation arrives late: ignored.
    table.apply(P0, 1, "c", bytes(spec("c", 1)));
    assertThat(scheduler.get("c")).isEmpty();
    assertThat(table.targetCount()).isEqualTo(1);
  }

  @Test
  void reassigningAPartitionRebuildsItFromScratch() {
    table.assigned(Map.of(P0, 1L));
    table.apply(P0, 0, "a", bytes(spec("a", 1)));
    table.assigned(Map.of(P0, 0L));
    assertThat(scheduler.get("a")).isEmpty();
    assertThat(table.targetCount()).isZero();
  }
}
