package dev.webmon.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.notifier.ChannelFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
  void docsChannelSettingsListEveryKeyWithItsSecretAndRequiredFlags() throws IOException {
    String doc = Files.readString(Path.of("docs/notifications.md"), StandardCharsets.UTF_8);
    String section = doc.substring(doc.indexOf("## Channel settings"));
    section = section.substring(0, section.indexOf("\n## ", 3));
    Pattern row = Pattern.compile("(?m)^\\| (`[a-z]+`(?:, `[a-z]+`)*) \\| `([A-Za-z]+)` \\| (yes|no) \\| (yes|no) \\|");
    List<String> documented = new ArrayList<>();
    for (Matcher m = row.matcher(section); m.find(); ) {
      for (String type : m.group(1).replace("`", "").split(", ")) {
        documented.add(type + "." + m.group(2) + " secret=" + m.group(3) + " required=" + m.group(4));
      }
    }
    List<String> code = new ArrayList<>();
    for (String type : ChannelFields.TYPES) {
      for (ChannelFields.Field f : ChannelFields.of(type)) {
        code.add(type + "." + f.key() + " secret=" + (f.secret() ? "yes" : "no") + " required=" + (f.required() ? "yes" : "no"));
      }
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(code);
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
