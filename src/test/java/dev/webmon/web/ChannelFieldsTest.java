package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.notifier.ChannelFactory;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ChannelFieldsTest {
  @Test
  void theFormsTypesAndSecretsAreTheChannelLayers() {
    assertThat(Set.copyOf(ChannelFields.TYPES)).isEqualTo(ChannelFactory.TYPES);
    assertThat(ChannelFields.BY_TYPE.keySet()).isEqualTo(ChannelFactory.TYPES);
    for (String type : ChannelFields.TYPES) {
      Set<String> secret =
          ChannelFields.of(type).stream().filter(ChannelFields.Field::secret).map(ChannelFields.Field::key).collect(Collectors.toSet());
      assertThat(secret).as(type).isEqualTo(ChannelFactory.SECRET_KEYS.get(type));
    }
  }

  @Test
  void idsAreDerivedFromNames() {
    assertThat(ChannelService.slug("Ops Pager (EU)!")).isEqualTo("ops-pager-eu");
    assertThat(ChannelService.slug("   ")).isEmpty();
    assertThat(ChannelService.slug("x".repeat(70))).hasSize(64);
  }

  @Test
  void theChannelLayersFieldsGoUnderSettings() {
    assertThat(ChannelService.apiField("url")).isEqualTo("settings.url");
    assertThat(ChannelService.apiField("templates.body")).isEqualTo("templates.body");
    assertThat(ChannelService.apiField("type")).isEqualTo("type");
  }
}
