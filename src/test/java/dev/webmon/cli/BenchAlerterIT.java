package dev.webmon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code webmon bench alerter} at a tiny size, so that the bench cannot rot. */
@ExtendWith(KafkaExtension.class)
class BenchAlerterIT {
  @Test
  void measuresAllThreePhasesAndEndsWithOneJsonLine(EmbeddedKafka broker) throws Exception {
    MainTest.Run r =
        MainTest.run(
            "bench", "alerter", "--results", "3000", "--targets", "100", "--partitions", "3",
            "--latency-rate", "300", "--latency-seconds", "5", "--latency-targets", "20",
            "--restore-targets", "500", "--tick", "1000",
            "--kafka-bootstrap-servers", broker.bootstrapServers());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    String last = r.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last).startsWith("{\"bench\":\"alerter\"");
    JsonNode json = JsonMapper.builder().build().readTree(last);
    assertThat(json.get("infrastructure").asText()).isEqualTo("external");
    assertThat(json.get("processingGuarantee").asText()).isEqualTo("exactly_once_v2");
    assertThat(json.get("commitIntervalMs").asLong()).isEqualTo(100);
    assertThat(json.get("alerterResultsPerSecond").asDouble()).isPositive();
    assertThat(json.get("consumerResultsPerSecond").asDouble()).isPositive();
    assertThat(json.get("ratio").asDouble()).isPositive();
    // Streams' thread metrics: the stream thread processed and committed.
    assertThat(json.get("threadProcessRatio").asDouble()).isBetween(0.0, 1.0).isPositive();
    assertThat(json.get("commits").asLong()).isPositive();
    assertThat(json.get("commitLatencyMeanMs").asDouble()).isPositive();
    // The dense script opens and resolves incidents within a second; each is one latency sample.
    assertThat(json.get("latencyResults").asLong()).isEqualTo(1500);
    assertThat(json.get("latencyTransitions").get("opened").asLong()).isPositive();
    assertThat(json.get("latencySamples").asLong()).isPositive();
    assertThat(json.get("latencyUnmatched").asLong()).isZero();
    assertThat(json.get("latencyP99Ms").asDouble()).isPositive();
    // A new instance restores at least one state per target from the changelogs.
    assertThat(json.get("restoreTargets").asLong()).isEqualTo(500);
    assertThat(json.get("restoredRecords").asLong()).isGreaterThanOrEqualTo(500);
    assertThat(json.get("changelogBytes").asLong()).isPositive();
    assertThat(json.get("restoreRunningSeconds").asDouble()).isPositive();
  }
}
