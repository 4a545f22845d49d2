package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebCommandTest {
  @Test
  void aBadPortIsAUsageErrorNamingTheKey() {
    MainTest.Run r = MainTest.run("web", "--web-port", "70000", "--web-admin-password", "long enough", "--web-api-token", "0123456789abcdef01");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("web.port").contains("0 to 65535");
  }

  @Test
  void theSecretsAreRequiredAndNeverEchoed() {
    MainTest.Run r = MainTest.run("web", "--web-api-token", "short-secret");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("web.admin-password").doesNotContain("short-secret");
    MainTest.Run weak = MainTest.run("web", "--web-admin-password", "long enough", "--web-api-token", "short-secret");
    assertThat(weak.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(weak.err()).contains("web.api-token").contains("too short").doesNotContain("short-secret");
  }

  @Test
  void helpListsTheWebKeys() {
    MainTest.Run r = MainTest.run("web", "--help");
    assertThat(r.out()).contains("--web-port").contains("WEBMON_WEB_API_TOKEN").contains("--check-allowed-networks").contains("--kafka-bootstrap-servers");
  }
}
