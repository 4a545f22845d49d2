package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.ConfigDocs;
import dev.webmon.config.ConfigKey;
import dev.webmon.sink.SinkConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
  private static final Path DOC = Path.of("docs/configuration.md");

  @Test
  void docsConfigurationMdIsGeneratedFromTheCode() throws IOException {
    String generated = ConfigDocs.markdown(Catalog.ALL);
    if (Boolean.getBoolean("webmon.update-docs")) {
      Files.writeString(DOC, generated);
    }
    assertThat(Files.readString(DOC))
        .as("docs/configuration.md is stale: run ./mvnw test -Dtest=ConfigDocsTest -Dwebmon.update-docs=true")
        .isEqualTo(generated);
  }

  @Test
  void everyKeyIsDocumented() {
    String md = ConfigDocs.markdown(Catalog.ALL);
    for (ConfigKey<?> key : Catalog.ALL.all()) {
      assertThat(md).contains("`" + key.name() + "`").contains(key.envName());
    }
  }

  @Test
  void everySinkKeyIsInTheCatalogUnderSink() {
    assertThat(Catalog.ALL.byGroup().get("Sink")).containsExactlyElementsOf(SinkConfig.KEYS);
  }
}
