package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BenchCheckerCommandTest {
  @Test
  @Timeout(60)
  void aSmallRunAgainstItsOwnPageEndsWithTheJsonLine() {
    MainTest.Run r = MainTest.run("bench", "checker", "--count", "300", "--concurrency", "8", "--rounds", "1", "--no-wrk");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertThat(last)
        .startsWith("{\"bench\":\"checker\",")
        .contains("\"checksPerSecond\":")
        .contains("\"referencePerSecond\":")
        .contains("\"ratio\":")
        .contains("\"reference\":\"raw-socket\"")
        .contains("\"failures\":0")
        .endsWith("}");
    assertThat(r.out()).contains("round 1:").contains("median:");
  }

  @Test
  void benchWithoutASubcommandIsAUsageError() {
    MainTest.Run r = MainTest.run("bench");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("checker");
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertThat(MainTest.run("bench", "checker", "--url", "ftp://example.com/").exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(MainTest.run("bench", "checker", "--client", "curl").err()).contains("webmon, jdk or socket");
    assertThat(MainTest.run("bench", "checker", "--count", "0").exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(MainTest.run("bench", "checker", "--check-allowed-networks", "10.1.0.0/8").exit()).isEqualTo(Main.EXIT_USAGE);
  }

  @Test
  void checkerHelpListsTheCheckKeys() {
    MainTest.Run r = MainTest.run("bench", "checker", "--help");
    assertThat(r.out()).contains("--check-allowed-networks").contains("WEBMON_CHECK_ALLOWED_NETWORKS").contains("--concurrency");
  }
}
