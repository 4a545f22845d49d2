package dev.webmon.alerter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AlerterConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    AlerterConfig c = AlerterConfig.defaults(Map.of());
    assertThat(c.tickInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.streamThreads()).isEqualTo(1);
    assertThat(c.standbyReplicas()).isZero();
    assertThat(c.stateDir()).isEmpty();
    assertThat(c.instanceId()).isEmpty();
    assertThat(c.sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.metricsHost()).isEqualTo("0.0.0.0");
    assertThat(c.metricsPort()).isEqualTo(9467);
  }

  @ParameterizedTest
  @CsvSource({
    "alerter.tick-interval, 0s",
    "alerter.tick-interval, 1h",
    "alerter.tick-interval, soon",
    "alerter.stream-threads, 0",
    "alerter.standby-replicas, -1",
    "alerter.state-dir, ' '",
    "alerter.instance-id, 'x/y'",
    "alerter.session-timeout, 500ms",
    "alerter.metrics-port, 70000",
    "alerter.metrics-host, ''",
  })
  void aBadValueFailsNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> AlerterConfig.defaults(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @Test
  void streamsRunExactlyOnceUnderThePrefixedApplicationIdWithTheKafkaSecurity() {
    KafkaConfig kafka =
        KafkaConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers", "broker:9093",
                    "kafka.security-protocol", "SASL_SSL",
                    "kafka.sasl.username", "svc",
                    "kafka.sasl.password", "pw")));
    TopicsConfig topics = TopicsConfig.from(Settings.of(Map.of("topics.prefix", "acme")));
    AlerterConfig config =
        AlerterConfig.defaults(
            Map.of("alerter.instance-id", "alerter-0", "alerter.standby-replicas", "1", "alerter.stream-threads", "2"));
    Properties p = Alerter.streamsProperties(kafka, topics, config, Path.of("/var/lib/alerter"), 5);
    assertThat(p)
        .containsEntry("application.id", "acme-alerter")
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("bootstrap.servers", "broker:9093")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsKey("sasl.jaas.config")
        .containsEntry("state.dir", "/var/lib/alerter")
        .containsEntry("processing.exception.handler.global.enabled", true)
        .containsEntry("main.consumer.processing.exception.handler.global.enabled", true)
        .containsEntry("num.standby.replicas", 1)
        .containsEntry("num.stream.threads", 2)
        .containsEntry("replication.factor", 3)
        .containsEntry("main.consumer.group.instance.id", "alerter-0")
        .containsEntry("consumer.session.timeout.ms", 10_000);
    assertThat(Alerter.applicationId(topics)).isEqualTo("acme-alerter");
  }
}
