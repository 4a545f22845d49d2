package dev.webmon.notifier;

import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The notifier consumer's standing with Kafka, read from the client's own metrics (any thread may
 * read them). The sink has its own (packages of one layer do not share classes).
 *
 * @param secondsSinceHeartbeat since the last heartbeat to the group coordinator (very large before the first)
 * @param assignedPartitions partitions of the incidents topic held now
 * @param lag records behind the end of the assigned partitions, summed
 */
public record ConsumerStanding(double secondsSinceHeartbeat, int assignedPartitions, long lag) {
  static ConsumerStanding of(Map<MetricName, ? extends Metric> metrics) {
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

  private static double value(Metric m, double otherwise) {
    return m.metricValue() instanceof Number v && Double.isFinite(v.doubleValue()) ? v.doubleValue() : otherwise;
  }
}
