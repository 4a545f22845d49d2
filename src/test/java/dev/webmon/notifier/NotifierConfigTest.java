package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.ConfigException;
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
}
