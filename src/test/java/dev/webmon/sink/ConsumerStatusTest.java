package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** Reads the figures the way the consumer registers them (Kafka's own metrics registry). */
class ConsumerStatusTest {
  private static void add(Metrics metrics, String group, String name, Map<String, String> tags, double value) {
    metrics.addMetric(metrics.metricName(name, group, "", tags), (Measurable) (config, now) -> value);
  }

  @Test
  void heartbeatAssignmentAndLagSummedOverPartitions() {
    try (Metrics metrics = new Metrics()) {
      add(metrics, "consumer-coordinator-metrics", "last-heartbeat-seconds-ago", Map.of("client-id", "c"), 2);
      add(metrics, "consumer-coordinator-metrics", "assigned-partitions", Map.of("client-id", "c"), 6);
      add(metrics, "consumer-fetch-manager-metrics", "records-lag", Map.of("topic", "r", "partition", "0"), 40);
      add(metrics, "consumer-fetch-manager-metrics", "records-lag", Map.of("topic", "r", "partition", "1"), 2);
      add(metrics, "consumer-fetch-manager-metrics", "records-lag", Map.of("topic", "t", "partition", "0"), Double.NaN);
      // The topic-level figure must not be counted twice.
      add(metrics, "consumer-fetch-manager-metrics", "records-lag-max", Map.of("topic", "r"), 40);
      ConsumerStatus status = ConsumerStatus.of(metrics.metrics());
      assertThat(status).isEqualTo(new ConsumerStatus(2, 6, 42));
    }
  }

  @Test
  void beforeAnyFigureThereIsNoHeartbeat() {
    try (Metrics metrics = new Metrics()) {
      assertThat(ConsumerStatus.of(metrics.metrics())).isEqualTo(new ConsumerStatus(Double.MAX_VALUE, 0, 0));
    }
  }
}
