package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SinkCommandTest {
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

  @Test
  void sinkHelpListsTheSinkKafkaAndPostgresFlags() {
    Run r = run("sink", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("--sink-batch-max-records")
        .contains("WEBMON_SINK_RAW_RETENTION")
        .contains("--sink-instance-id")
        .contains("--kafka-bootstrap-servers")
        .contains("--postgres-url")
        .contains("--topics-prefix");
  }

  @Test
  void aBadSinkValueExitsWithTwoNamingTheKeyBeforeConnectingAnywhere() {
    Run r = run("sink", "--sink-batch-max-records", "0", "--postgres-password", "s3cret-value");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("sink.batch-max-records").doesNotContain("s3cret-value");
  }

  @Test
  void benchSinkHasHelpAndValidatesItsOptions() {
    Run help = run("bench", "sink", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--results").contains("--latency-rate").contains("--sink-batch-max-records");
    Run bad = run("bench", "sink", "--results", "5");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err()).contains("--results");
  }
}
