package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinkCommandTest {
  @Test
  void sinkHelpListsTheSinkKafkaAndPostgresFlags() {
    MainTest.Run r = MainTest.run("sink", "--help");
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
    MainTest.Run r = MainTest.run("sink", "--sink-batch-max-records", "0", "--postgres-password", "s3cret-value");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("sink.batch-max-records").doesNotContain("s3cret-value");
  }

  @Test
  void benchSinkHasHelpAndValidatesItsOptions() {
    MainTest.Run help = MainTest.run("bench", "sink", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--results").contains("--latency-rate").contains("--sink-batch-max-records");
    MainTest.Run bad = MainTest.run("bench", "sink", "--results", "5");
    assertThat(bad.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(bad.err()).contains("--results");
  }
}
