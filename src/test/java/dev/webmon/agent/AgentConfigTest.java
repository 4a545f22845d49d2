package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
  private static AgentConfig from(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return AgentConfig.from(Settings.of(m));
  }

  @Test
  void defaults() {
    AgentConfig c = from("agent.location", "eu-west");
    assertThat(c.groupId()).isEqualTo("webmon-agent.eu-west");
    assertThat(c.agentId()).matches("[a-zA-Z0-9_.:@-]{1,128}").endsWith("-" + ProcessHandle.current().pid());
    assertThat(c.maxConcurrency()).isEqualTo(256);
    assertThat(c.metricsPort()).isEqualTo(9464);
    assertThat(c.groupProtocol()).isEqualTo(AgentConfig.GroupProtocol.CLASSIC);
    assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.assignmentSpread()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.compression()).isEqualTo(AgentConfig.Compression.LZ4);
  }

  @Test
  void locationIsRequiredAndNamed() {
    assertThatThrownBy(() -> from()).isInstanceOf(ConfigException.class).hasMessageContaining("agent.location");
    assertThatThrownBy(() -> from("agent.location", "eu.west"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.location");
  }

  @Test
  void badValuesNameTheirKey() {
    String[][] bad = {
      {"agent.max-concurrency", "0"},
      {"agent.metrics-port", "70000"},
      {"agent.group-protocol", "eager"},
      {"agent.session-timeout", "soon"},
      {"agent.compression", "brotli"},
      {"agent.id", "has space"},
      {"agent.linger", "-5ms"},
    };
    for (String[] kv : bad) {
      assertThatThrownBy(() -> from("agent.location", "x", kv[0], kv[1]))
          .as(kv[0] + "=" + kv[1])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(kv[0]);
    }
  }

  @Test
  void heartbeatMustFitTheSessionTimeoutThreeTimes() {
    assertThatThrownBy(() -> from("agent.location", "x", "agent.session-timeout", "6s", "agent.heartbeat-interval", "3s"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.heartbeat-interval");
  }

  @Test
  void consumerUsesTheClassicProtocolWithTheShortSessionAndNeverCommits() {
    AgentConfig c = from("agent.location", "eu", "agent.id", "a1");
    Map<String, Object> p = TargetFeed.consumerProperties(KafkaConfig.plaintext("127.0.0.1:9092"), c);
    assertThat(p)
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "webmon-agent.eu")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
        .containsEntry(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000)
        .containsEntry(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    Map<String, Object> kip848 =
        TargetFeed.consumerProperties(
            KafkaConfig.plaintext("127.0.0.1:9092"), from("agent.location", "eu", "agent.group-protocol", "consumer"));
    assertThat(kip848).containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    assertThat(kip848).doesNotContainKeys(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
  }

  @Test
  void producerIsIdempotentWithAcksAllCompressionAndLinger() {
    Map<String, Object> p =
        ResultPublisher.producerProperties(KafkaConfig.plaintext("127.0.0.1:9092"), from("agent.location", "eu"));
    assertThat(p)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 10);
    assertThat(p).doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
  }

  @Test
  void deliveryTimeoutMustCoverLingerAndRequestTimeout() {
    assertThatThrownBy(
            () ->
                ResultPublisher.producerProperties(
                    KafkaConfig.plaintext("127.0.0.1:9092"), from("agent.location", "eu", "agent.delivery-timeout", "5s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.delivery-timeout");
  }
}
