package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlerterCommandTest {
  @Test
  void helpListsTheAlerterKafkaAndTopicFlags() {
    MainTest.Run r = MainTest.run("alerter", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("--alerter-tick-interval")
        .contains("WEBMON_ALERTER_METRICS_PORT")
        .contains("--alerter-standby-replicas")
        .contains("--kafka-bootstrap-servers")
        .contains("--topics-prefix")
        .doesNotContain("--postgres-url");
  }

  @Test
  void aBadAlerterValueExitsWithTwoNamingTheKeyBeforeConnectingAnywhere() {
    MainTest.Run r = MainTest.run("alerter", "--alerter-tick-interval", "0s", "--kafka-bootstrap-servers", "127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("alerter.tick-interval");
  }

  @Test
  void anUnreachableKafkaFailsWithinTheRequestTimeoutNamingTheServersAndTheKey() {
    long start = System.nanoTime();
    MainTest.Run r =
        MainTest.run(
            "alerter", "--alerter-metrics-port", "-1", "--kafka-bootstrap-servers", "127.0.0.1:1", "--kafka-request-timeout", "1s");
    assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
    assertThat(r.err()).contains("cannot reach Kafka at 127.0.0.1:1").contains("kafka.request-timeout");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
  }
}
