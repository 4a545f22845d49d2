package dev.webmon.notifier;

import dev.webmon.ops.Check;
import dev.webmon.ops.ConsumerStanding;
import dev.webmon.ops.Health;
import dev.webmon.ops.HealthProbe;
import java.util.List;

/**
 * What {@code /health} and {@code /ready} report about a notifier: live while its consumer and
 * dispatcher run; ready while PostgreSQL answers and the consumer heartbeats to its group.
 * Thread-safe.
 */
public final class NotifierHealth implements HealthProbe {
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
    List<Check> checks =
        List.of(
            postgres
                ? Check.ok("postgres", "answers")
                : Check.failed("postgres", "unavailable: the notifier waits for it and retries"),
            consumer.kafkaCheck(Notifier.SESSION_TIMEOUT));
    return Health.of(
        "notifier",
        notifier.isRunning(),
        checks,
        new Details(postgres ? "available" : "unavailable", consumer.assignedPartitions(), consumer.lag()));
  }
}
