package dev.webmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigDocsTest {
  private static final Path DOC = Path.of("docs/configuration.md");

  @Test
  void docsConfigurationMdIsGeneratedFromTheCode() throws IOException {
    String generated = ConfigDocs.markdown();
    if (Boolean.getBoolean("webmon.update-docs")) {
      Files.writeString(DOC, generated);
    }
    assertThat(Files.readString(DOC))
        .as("docs/configuration.md is stale: run ./mvnw test -Dtest=ConfigDocsTest -Dwebmon.update-docs=true")
        .isEqualTo(generated);
  }

  @Test
  void everyKeyIsDocumented() {
    String md = ConfigDocs.markdown();
    for (ConfigKey<?> key : ConfigCatalog.all()) {
      assertThat(md).contains("`" + key.name() + "`").contains(key.envName());
    }
  }
}
