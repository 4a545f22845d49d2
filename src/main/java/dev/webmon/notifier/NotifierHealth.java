package dev.webmon.notifier;

import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import dev.webmon.ops.HealthProbe;
import java.util.List;
import java.util.Locale;

/**
 * What {@code /health} and {@code /ready} report about a notifier: live while its consumer and
 * dispatcher run; ready while PostgreSQL answers and the consumer heartbeats to its group.
 * Thread-safe.
 */
public final class NotifierHealth implements HealthProbe {
  /** How long without a group heartbeat counts as Kafka unreachable (the session time-out). */
  private static final double HEARTBEAT_SECONDS = 10;

  private final Notifier notifier;

  /**
   * The notifier's figures in its health report.
   *
   * @param postgres {@code available} or {@code unavailable}
   * @param assignedPartitions partitions of the incidents topic held
   * @param lag records behind the end of those partitions
   */
  public record Details(String postgres, int assignedPartitions, long lag) {}

  public NotifierHealth(Notifier notifier) {
    this.notifier = notifier;
  }

  @Override
  public Health health() {
    boolean postgres = notifier.postgresAvailable();
    ConsumerStanding consumer = notifier.consumerStatus();
    boolean heartbeating = consumer.secondsSinceHeartbeat() < HEARTBEAT_SECONDS;
    List<Check> checks =
        List.of(
            postgres
                ? Check.ok("postgres", "answers")
                : Check.failed("postgres", "unavailable: the notifier waits for it and retries"),
            heartbeating
                ? Check.ok("kafka", String.format(Locale.ROOT, "group heartbeat %.1f s ago", consumer.secondsSinceHeartbeat()))
                : Check.failed(
                    "kafka",
                    consumer.secondsSinceHeartbeat() == Double.MAX_VALUE
                        ? "not in the consumer group yet"
                        : String.format(Locale.ROOT, "no group heartbeat for %.0f s: Kafka unreachable?",
                            consumer.secondsSinceHeartbeat())));
    return Health.of(
        "notifier",
        notifier.isRunning(),
        checks,
        new Details(postgres ? "available" : "unavailable", consumer.assignedPartitions(), consumer.lag()));
  }
}
