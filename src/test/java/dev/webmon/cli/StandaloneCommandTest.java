package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.standalone.Standalone;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StandaloneCommandTest {
  private static final Path FILE = Path.of("webmon-data/web-credentials.properties");

  @Test
  void configuredSecretsAreNeverPrinted() {
    Standalone.WebCredentials configured =
        new Standalone.WebCredentials("operator-chosen-pass", "operator-chosen-token-0123456789", false, true, true);
    String text = String.join("\n", StandaloneCommand.loginLines(configured, FILE, "http://localhost:8080"));
    assertThat(text)
        .doesNotContain("operator-chosen")
        .contains("log in as admin as configured (web.admin-password)")
        .contains("Authorization: Bearer <web.api-token>' http://localhost:8080/api/v1/targets");
  }

  @Test
  void generatedSecretsAreShownWithWhereTheyAreKept() {
    Standalone.WebCredentials generated = new Standalone.WebCredentials("0011aabb", "ccdd" + "ee".repeat(22), true, false, false);
    assertThat(StandaloneCommand.loginLines(generated, FILE, "http://localhost:8080"))
        .containsExactly(
            "  log in as admin with password 0011aabb   (generated; kept in " + FILE + ")",
            "  API: curl -H 'Authorization: Bearer ccdd" + "ee".repeat(22) + "' http://localhost:8080/api/v1/targets");
  }

  @Test
  void onlyTheConfiguredOneIsHidden() {
    Standalone.WebCredentials mixed = new Standalone.WebCredentials("operator-chosen-pass", "stored-token-0123456789abcdef", false, true, false);
    String text = String.join("\n", StandaloneCommand.loginLines(mixed, FILE, "http://h"));
    assertThat(text).doesNotContain("operator-chosen-pass").contains("Bearer stored-token-0123456789abcdef");
  }
}
