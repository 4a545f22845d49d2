package dev.webmon.ops;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * A group consumer's standing with Kafka, read from the client's own metrics (which any thread
 * may read, unlike the consumer itself); the sink and the notifier report it in their health.
 *
 * @param secondsSinceHeartbeat since the last heartbeat to the group coordinator (very large
 *     before the first one); it grows while Kafka is unreachable
 * @param assignedPartitions partitions held now
 * @param lag records behind the end of the assigned partitions, summed (0 when none is assigned
 *     or nothing was fetched yet)
 */
public record ConsumerStanding(double secondsSinceHeartbeat, int assignedPartitions, long lag) {
  /** The standing in a consumer's {@code metrics()}. */
  public static ConsumerStanding of(Map<MetricName, ? extends Metric> metrics) {
    double heartbeat = Double.MAX_VALUE;
    int assigned = 0;
    long lag = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
      MetricName n = e.getKey();
      if (n.group().equals("consumer-coordinator-metrics") && n.name().equals("last-heartbeat-seconds-ago")) {
        heartbeat = value(e.getValue(), Double.MAX_VALUE);
      } else if (n.group().equals("consumer-coordinator-metrics") && n.name().equals("assigned-partitions")) {
        assigned = (int) value(e.getValue(), 0);
      } else if (n.group().equals("consumer-fetch-manager-metrics")
          && n.name().equals("records-lag")
          && n.tags().containsKey("partition")) {
        lag += (long) value(e.getValue(), 0);
      }
    }
    return new ConsumerStanding(heartbeat, assigned, lag);
  }

  /**
   * The {@code kafka} check: met while the last group heartbeat is more recent than {@code
   * sessionTimeout} (the group would drop a member after that).
   */
  public Check kafkaCheck(Duration sessionTimeout) {
    if (secondsSinceHeartbeat * 1000 < sessionTimeout.toMillis()) {
      return Check.ok("kafka", String.format(Locale.ROOT, "group heartbeat %.1f s ago", secondsSinceHeartbeat));
    }
    return Check.failed(
        "kafka",
        secondsSinceHeartbeat == Double.MAX_VALUE
            ? "not in the consumer group yet"
            : String.format(Locale.ROOT, "no group heartbeat for %.0f s: Kafka unreachable?", secondsSinceHeartbeat));
  }

  private static double value(Metric m, double otherwise) {
    return m.metricValue() instanceof Number v && Double.isFinite(v.doubleValue()) ? v.doubleValue() : otherwise;
  }
}
