package dev.webmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeyCatalogTest {
  @Test
  void findsKeysByNameAndKeepsTheGroupOrder() {
    KeyCatalog c = KeyCatalog.builder().group("Topics", TopicsConfig.KEYS).group("Kafka", KafkaConfig.KEYS).build();
    assertThat(c.byGroup().keySet()).containsExactly("Topics", "Kafka");
    assertThat(c.byName("kafka.bootstrap-servers")).contains(KafkaConfig.BOOTSTRAP_SERVERS);
    assertThat(c.byName("no.such-key")).isEmpty();
    assertThat(c.all()).hasSize(TopicsConfig.KEYS.size() + KafkaConfig.KEYS.size());
  }

  @Test
  void refusesAKeyInTwoGroupsOrAGroupTwice() {
    assertThatThrownBy(() -> KeyCatalog.builder().group("a", KafkaConfig.KEYS).group("b", List.of(KafkaConfig.BOOTSTRAP_SERVERS)).build())
        .hasMessageContaining("two groups");
    assertThatThrownBy(() -> KeyCatalog.builder().group("a", KafkaConfig.KEYS).group("a", TopicsConfig.KEYS))
        .hasMessageContaining("added twice");
  }
}
