package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentCommandTest {
  @Test
  void withoutALocationItExitsWithTwoAndSaysHowToGiveOne() {
    MainTest.Run r = MainTest.run("agent", "--kafka-bootstrap-servers", "127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("agent.location").contains("--location");
  }

  @Test
  void badAgentValuesNameTheKey() {
    MainTest.Run r = MainTest.run("agent", "--location", "eu", "--agent-max-concurrency", "none");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("agent.max-concurrency");
    MainTest.Run twice = MainTest.run("agent", "--location", "eu", "--agent-location", "us");
    assertThat(twice.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(twice.err()).contains("--location");
  }

  @Test
  void anUnreachableKafkaFailsWithinTheRequestTimeout() {
    long start = System.nanoTime();
    MainTest.Run r =
        MainTest.run("agent", "--location", "eu", "--agent-metrics-port", "-1", "--kafka-bootstrap-servers", "127.0.0.1:1",
            "--kafka-request-timeout", "1s");
    assertThat(r.exit()).isEqualTo(Main.EXIT_FAILED);
    assertThat(r.err()).contains("cannot reach Kafka at 127.0.0.1:1");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
  }

  @Test
  void helpListsAgentAndCheckFlags() {
    MainTest.Run r = MainTest.run("agent", "--help");
    assertThat(r.out())
        .contains("--location")
        .contains("--agent-session-timeout")
        .contains("--agent-metrics-port")
        .contains("--check-allowed-networks")
        .contains("--kafka-bootstrap-servers");
  }

  @Test
  void benchProducerRejectsIdempotenceWithoutAcksAll() {
    MainTest.Run r = MainTest.run("bench", "producer", "--acks", "1");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("--idempotence needs --acks all");
  }

  @Test
  void benchSchedulerValidatesItsOptions() {
    MainTest.Run r = MainTest.run("bench", "scheduler", "--interval", "1");
    assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
    assertThat(r.err()).contains("--interval");
  }
}
