package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class KafkaMeterNamesTest {
  @Test
  void kafkaMetricsWithUnitsInTheirNamesOrACountSuffixAreDroppedTheOthersGetADescription() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    registry.config().meterFilter(new KafkaMeterNames());
    for (String name :
        new String[] {
          "kafka.producer.io.time.ns.total", "kafka.app.info.start.time.ms", "kafka.consumer.connection.count",
          "kafka.producer.node.request.latency.avg", "kafka.stream.thread.process.rate", "webmon.alerter.running"
        }) {
      Gauge.builder(name, () -> 1.0).register(registry);
    }
    assertThat(registry.getMeters()).extracting(m -> m.getId().getName())
        .containsExactlyInAnyOrder("kafka.producer.node.request.latency.avg", "kafka.stream.thread.process.rate", "webmon.alerter.running");
    assertThat(registry.get("kafka.producer.node.request.latency.avg").gauge().getId().getDescription())
        .isEqualTo("Kafka client metric kafka.producer.node.request.latency.avg");
    assertThat(registry.get("webmon.alerter.running").gauge().getId().getDescription()).isNull();
  }
}
