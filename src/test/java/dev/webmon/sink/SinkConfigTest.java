package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.KafkaConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SinkConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    SinkConfig c = SinkConfig.defaults(Map.of());
    assertThat(c.groupId()).isEqualTo("webmon-sink");
    assertThat(c.batchMaxRecords()).isEqualTo(5000);
    assertThat(c.batchMaxBytes()).isEqualTo(8L * 1024 * 1024);
    assertThat(c.batchMaxLinger()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.rawRetention()).isEqualTo(Duration.ofDays(30));
    assertThat(c.rollupRetention()).isEqualTo(Duration.ofDays(400));
    assertThat(c.partitionsAhead()).isEqualTo(7);
    assertThat(c.maintenanceInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.maintenance()).isTrue();
    assertThat(c.rollupDelay()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.instanceId()).isEmpty();
    assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @ParameterizedTest
  @CsvSource({
    "sink.group-id, 'a b'",
    "sink.batch-max-records, 0",
    "sink.batch-max-records, many",
    "sink.batch-max-bytes, 10",
    "sink.batch-max-linger, 0ms",
    "sink.batch-max-linger, 2h",
    "sink.raw-retention, 1h",
    "sink.partitions-ahead, 0",
    "sink.maintenance-interval, 0s",
    "sink.maintenance, perhaps",
    "sink.rollup-delay, 1m",
    "sink.retry-backoff-max, 100ms",
    "sink.instance-id, 'x/y'",
    "sink.session-timeout, 1s",
  })
  void aBadValueFailsNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> SinkConfig.defaults(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @Test
  void rollupsMustBeKeptAtLeastAsLongAsRawResults() {
    assertThatThrownBy(() -> SinkConfig.defaults(Map.of("sink.raw-retention", "30d", "sink.rollup-retention", "7d")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sink.rollup-retention")
        .hasMessageContaining("sink.raw-retention");
  }

  @Test
  void consumerPropertiesAreTheTunedOnes() {
    SinkConfig c = SinkConfig.defaults(Map.of("sink.instance-id", "sink-1", "sink.session-timeout", "6s"));
    Map<String, Object> p = Sink.consumerProperties(KafkaConfig.plaintext("127.0.0.1:9092"), c, "cid");
    assertThat(p)
        .containsEntry("group.id", "webmon-sink")
        .containsEntry("client.id", "cid")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "none")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
        .containsEntry("session.timeout.ms", 6000)
        .containsEntry("heartbeat.interval.ms", 1000)
        .containsEntry("group.instance.id", "sink-1")
        .containsEntry("max.poll.records", 5000)
        .containsEntry("fetch.max.wait.ms", 100)
        .containsEntry("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
        .containsEntry("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
        .containsAllEntriesOf(KafkaConfig.plaintext("127.0.0.1:9092").clientProperties())
        .hasSize(KafkaConfig.plaintext("127.0.0.1:9092").clientProperties().size() + 13);
    Map<String, Object> q =
        Sink.consumerProperties(
            KafkaConfig.plaintext("127.0.0.1:9092"),
            SinkConfig.defaults(Map.of("sink.batch-max-records", "100")),
            "cid");
    assertThat(q)
        .containsEntry("max.poll.records", 100)
        .containsEntry("session.timeout.ms", 30_000)
        .doesNotContainKey("group.instance.id");
  }
}
