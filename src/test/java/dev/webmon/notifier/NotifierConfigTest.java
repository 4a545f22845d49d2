package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
import dev.webmon.config.KafkaConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotifierConfigTest {
  @Test
  void defaultsAreTheDesignDocs() {
    NotifierConfig c = NotifierConfig.defaults(Map.of());
    assertThat(c.giveUpAfter()).isEqualTo(Duration.ofHours(24));
    assertThat(c.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.adminChannel()).isEmpty();
    assertThat(c.retryInitial()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryMax()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.metricsPort()).isEqualTo(9468);
    assertThat(NotifierConfig.defaults(Map.of("notify.group-wait", "0s")).groupWait()).isZero();
    assertThat(NotifierConfig.defaults(Map.of("notify.web-base-url", "https://w.example.com/")).webBaseUrl())
        .isEqualTo(URI.create("https://w.example.com/"));
  }

  @Test
  void badValuesFailNamingTheKey() {
    Map<String, String> bad =
        Map.of(
            "notify.admin-channel", "Not An Id",
            "notify.web-base-url", "ftp://x.example.com/",
            "notify.give-up-after", "0s",
            "notify.group-wait", "2h",
            "notifier.workers", "0",
            "notifier.metrics-port", "70000");
    bad.forEach((key, value) ->
        assertThatThrownBy(() -> NotifierConfig.defaults(Map.of(key, value)))
            .as(key)
            .isInstanceOf(ConfigException.class)
            .hasMessageContaining(key));
    assertThatThrownBy(() -> NotifierConfig.defaults(Map.of("notify.retry-initial", "1m", "notify.retry-max", "30s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("notify.retry-max");
  }

  @Test
  void consumerPropertiesAreTheNotifiersOwn() {
    KafkaConfig kafka = KafkaConfig.plaintext("127.0.0.1:9092");
    Map<String, Object> p = Notifier.consumerProperties(kafka, "wm-notifier", "cid");
    assertThat(p)
        .containsEntry("group.id", "wm-notifier")
        .containsEntry("client.id", "cid")
        .containsEntry("enable.auto.commit", false)
        .containsEntry("auto.offset.reset", "earliest")
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
        .containsEntry("session.timeout.ms", 10_000)
        .containsEntry("heartbeat.interval.ms", 1_000)
        .containsEntry("max.poll.records", 500)
        .containsEntry("fetch.max.wait.ms", 100)
        .containsEntry("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
        .containsEntry("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer")
        .containsAllEntriesOf(kafka.clientProperties())
        .hasSize(kafka.clientProperties().size() + 12);
  }
}
