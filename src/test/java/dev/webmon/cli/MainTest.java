package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class MainTest {
  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"init", "agent", "sink", "alerter", "web", "standalone", "bench", "version"})
  void everySubcommandHasHelp(String command) {
    Run r = run(command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: webmon " + command);
  }

  @Test
  void initHelpListsEveryConfigFlagWithItsEnvironmentVariable() {
    Run r = run("init", "--help");
    assertThat(r.out())
        .contains("--kafka-bootstrap-servers")
        .contains("WEBMON_KAFKA_BOOTSTRAP_SERVERS")
        .contains("--postgres-password")
        .contains("--topics-partitions")
        .contains("--config");
  }

  @Test
  void aSecretGivenAsAFlagNeverAppearsInTheErrorOutput() {
    Run r = run("init", "--postgres-password", "hunter2-secret", "--topics-partitions", "zero");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("topics.partitions").doesNotContain("hunter2-secret");
    assertThat(r.out()).doesNotContain("hunter2-secret");
  }

  @Test
  void aBadConfigValueExitsWithTwoAndNamesTheKey() {
    Run r = run("init", "--kafka-security-protocol", "TLS");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("configuration error").contains("kafka.security-protocol").contains("PLAINTEXT, SSL, SASL_SSL");
  }

  @Test
  void anUnknownFlagIsAUsageError() {
    Run r = run("init", "--no-such-flag");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("--no-such-flag");
  }

  @Test
  void versionPrintsTheVersion() {
    Run r = run("version");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("webmon ");
  }
}
