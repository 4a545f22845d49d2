package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

/** Reads the figures the way the consumer registers them (Kafka's own metrics registry). */
class ConsumerStandingTest {
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
      ConsumerStanding status = ConsumerStanding.of(metrics.metrics());
      assertThat(status).isEqualTo(new ConsumerStanding(2, 6, 42));
    }
  }

  @Test
  void beforeAnyFigureThereIsNoHeartbeat() {
    try (Metrics metrics = new Metrics()) {
      assertThat(ConsumerStanding.of(metrics.metrics())).isEqualTo(new ConsumerStanding(Double.MAX_VALUE, 0, 0));
    }
  }

  @Test
  void kafkaIsMetWhileTheLastHeartbeatIsWithinTheSessionTimeout() {
    Duration session = Duration.ofSeconds(10);
    assertThat(new ConsumerStanding(2.25, 1, 0).kafkaCheck(session)).isEqualTo(Check.ok("kafka", "group heartbeat 2.3 s ago"));
    assertThat(new ConsumerStanding(10, 1, 0).kafkaCheck(session))
        .isEqualTo(Check.failed("kafka", "no group heartbeat for 10 s: Kafka unreachable?"));
    assertThat(new ConsumerStanding(Double.MAX_VALUE, 0, 0).kafkaCheck(session))
        .isEqualTo(Check.failed("kafka", "not in the consumer group yet"));
    assertThat(new ConsumerStanding(29.9, 1, 0).kafkaCheck(Duration.ofSeconds(30)).ok()).isTrue();
  }
}
