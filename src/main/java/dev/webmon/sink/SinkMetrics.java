package dev.webmon.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sink's meters (Micrometer): records consumed, rows written, dead letters by reason, batch
 * write time and size, end-to-end latency (producer timestamp to commit), fenced batches,
 * PostgreSQL availability and failed attempts, partitions assigned, revoked and lost, dead
 * letters the dead-letter topic refused for good, offsets lost to retention. Thread-safe.
 */
final class SinkMetrics {
  private final MeterRegistry registry;
  private final Counter rows;
  private final Counter duplicates;
  private final Counter fenced;
  private final Counter unavailable;
  private final Counter assigned;
  private final Counter revoked;
  private final Counter lost;
  private final Timer batchWrite;
  private final DistributionSummary batchRecords;
  private final Timer latency;
  private final AtomicInteger postgresUp = new AtomicInteger(1);

  SinkMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.rows = Counter.builder("webmon.sink.rows").description("Check results written to PostgreSQL").register(registry);
    this.duplicates =
        Counter.builder("webmon.sink.duplicates")
            .description("Check results skipped because already stored (published twice)")
            .register(registry);
    this.fenced =
        Counter.builder("webmon.sink.batches.fenced")
            .description("Batches discarded because another instance had moved the partition's offset")
            .register(registry);
    this.batchWrite =
        Timer.builder("webmon.sink.batch.write").description("Time to write and commit one batch").register(registry);
    this.batchRecords =
        DistributionSummary.builder("webmon.sink.batch.records").description("Records per batch").register(registry);
    this.latency =
        Timer.builder("webmon.sink.latency")
            .description("From the result's producer timestamp to the commit of its row")
            .register(registry);
    this.unavailable =
        Counter.builder("webmon.sink.unavailable")
            .description("Attempts (batch writes, offset reads) that found PostgreSQL or the dead-letter topic unavailable")
            .register(registry);
    this.assigned = partitions(registry, "assigned");
    this.revoked = partitions(registry, "revoked");
    this.lost = partitions(registry, "lost");
    Gauge.builder("webmon.sink.postgres.available", postgresUp, AtomicInteger::get)
        .description("1 while PostgreSQL accepts batches, 0 while the sink waits for it")
        .register(registry);
  }

  private static Counter partitions(MeterRegistry registry, String event) {
    return Counter.builder("webmon.sink.partitions")
        .tag("event", event)
        .description("Partitions assigned to this instance, revoked from it in a rebalance, or lost (taken without a revocation)")
        .register(registry);
  }

  private final java.util.Map<String, Counter> consumed = new java.util.concurrent.ConcurrentHashMap<>();

  void consumed(String topic) {
    consumed
        .computeIfAbsent(
            topic,
            t -> Counter.builder("webmon.sink.records").description("Records consumed, by topic").tag("topic", t).register(registry))
        .increment();
  }

  /** A record that went to the dead-letter topic, by reason (DecodeError name, WRONG_KEY, DB_REJECTED). */
  void deadLetter(String reason) {
    Counter.builder("webmon.sink.dead.letters")
        .description("Records sent to the dead-letter topic, by reason")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** A dead letter the dead-letter topic refused for good: its record was skipped. */
  void deadLetterDropped(String reason) {
    registry.counter("webmon.sink.dead.letters.dropped", "reason", reason).increment();
  }

  /** Offsets of {@code topic} deleted by retention before the sink read them. */
  void lostToRetention(String topic, long records) {
    registry.counter("webmon.sink.records.lost.to.retention", "topic", topic).increment(records);
  }

  double deadLetters(String reason) {
    Counter c = registry.find("webmon.sink.dead.letters").tag("reason", reason).counter();
    return c == null ? 0 : c.count();
  }

  void committed(int records, int rowsWritten, int duplicateRows, Duration took) {
    rows.increment(rowsWritten);
    duplicates.increment(duplicateRows);
    batchRecords.record(records);
    batchWrite.record(took);
  }

  void latency(long millis) {
    latency.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  void fenced() {
    fenced.increment();
  }

  void unavailable() {
    unavailable.increment();
  }

  void assigned(int partitions) {
    assigned.increment(partitions);
  }

  void revoked(int partitions) {
    revoked.increment(partitions);
  }

  void lost(int partitions) {
    lost.increment(partitions);
  }

  void postgresAvailable(boolean up) {
    postgresUp.set(up ? 1 : 0);
  }

  boolean postgresAvailable() {
    return postgresUp.get() == 1;
  }
}
