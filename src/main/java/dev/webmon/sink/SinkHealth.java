package dev.webmon.sink;

import dev.webmon.ops.Check;
import dev.webmon.ops.ConsumerStanding;
import dev.webmon.ops.Health;
import dev.webmon.ops.HealthProbe;
import java.time.Duration;
import java.util.List;

/**
 * What {@code /health} and {@code /ready} report about a sink: live while its consumer loop runs;
 * ready while PostgreSQL takes batches and the consumer heartbeats to its group (Kafka reachable);
 * the consumer lag is a figure, not a condition. Thread-safe.
 */
public final class SinkHealth implements HealthProbe {
  private final Sink sink;
  private final Duration sessionTimeout;

  /**
   * The sink's figures in its health report.
   *
   * @param postgres {@code available} or {@code unavailable} (the sink waits for it)
   * @param assignedPartitions partitions of the results and targets topics held
   * @param lag records behind the end of those partitions
   */
  public record Details(String postgres, int assignedPartitions, long lag) {}

  public SinkHealth(Sink sink, SinkConfig config) {
    this.sink = sink;
    this.sessionTimeout = config.sessionTimeout();
  }

  @Override
  public Health health() {
    boolean postgres = sink.postgresAvailable();
    ConsumerStanding consumer = sink.consumerStatus();
    List<Check> checks =
        List.of(
            postgres
                ? Check.ok("postgres", "accepts batches")
                : Check.failed("postgres", "unavailable: the sink waits for it and retries"),
            consumer.kafkaCheck(sessionTimeout));
    return Health.of(
        "sink",
        sink.isRunning(),
        checks,
        new Details(postgres ? "available" : "unavailable", consumer.assignedPartitions(), consumer.lag()));
  }
}
