package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class BenchProducerIT {
  @Test
  void measuresAgainstAGivenBrokerAndEndsWithOneJsonLine(EmbeddedKafka broker) {
    MainTest.Run r =
        MainTest.run("bench", "producer", "--messages", "20000", "--kafka-bootstrap-servers", broker.bootstrapServers());
    assertThat(r.exit()).as(r.err()).isZero();
    String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last)
        .startsWith("{\"bench\":\"producer\"")
        .contains("\"broker\":\"external\"")
        .contains("\"sent\":20000")
        .contains("\"errors\":0")
        .contains("\"recordsPerSecond\":")
        .contains("\"latencyP99Ms\":");
    MainTest.Run sync =
        MainTest.run("bench", "producer", "--messages", "50", "--wait", "--kafka-bootstrap-servers", broker.bootstrapServers());
    assertThat(sync.exit()).as(sync.err()).isZero();
    assertThat(sync.out()).contains("\"wait\":true").contains("\"sent\":50");
  }
}
