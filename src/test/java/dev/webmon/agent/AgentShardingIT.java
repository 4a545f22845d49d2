package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three agents of one location split a 12-partition targets topic and check each target exactly
 * once per interval (each by the agent holding its partition, so revoked partitions stopped at
 * their previous owner); an agent of a second location checks every target too.
 */
@ExtendWith(KafkaExtension.class)
class AgentShardingIT {
  private static final Logger log = LoggerFactory.getLogger(AgentShardingIT.class);
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final int TARGETS = 24;

  @Test
  void threeAgentsCheckEachTargetExactlyOncePerIntervalAndASecondLocationChecksAll(EmbeddedKafka broker) throws Exception {
    try (AgentFixture f = new AgentFixture(broker)) {
      List<String> ids = IntStream.range(0, TARGETS).mapToObj(i -> "site-" + i).toList();
      for (String id : ids) {
        f.put(f.target(id, 1, INTERVAL));
      }
      String eastLocation = AgentFixture.uniqueLocation("east");
      String westLocation = AgentFixture.uniqueLocation("west");
      List<Agent> east =
          List.of(f.startAgent(eastLocation, "east-1"), f.startAgent(eastLocation, "east-2"), f.startAgent(eastLocation, "east-3"));
      Agent west = f.startAgent(westLocation, "west-1");

      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  east.stream().allMatch(a -> a.partitions().size() == 4)
                      && east.stream().mapToInt(Agent::targetCount).sum() == TARGETS
                      && west.targetCount() == TARGETS);
      Instant stable = Instant.now();
      Map<String, Set<Integer>> owners =
          east.stream().collect(Collectors.toMap(a -> a.config().agentId(), Agent::partitions));
      log.info("stable at {}: {}", stable, owners);
      assertThat(owners.values().stream().flatMap(Set::stream).collect(Collectors.toSet())).hasSize(12);

      // Windows [k*10s, (k+1)*10s) hold exactly one slot of every target. Start after the
      // assignment spread (1 s) of the last rebalance.
      long interval = INTERVAL.toMillis();
      long firstWindow = Math.floorDiv(stable.toEpochMilli() + 2_500, interval) + 1;
      long windows = 2;
      Instant end = Instant.ofEpochMilli((firstWindow + windows) * interval);
      await()
          .atMost(Duration.ofSeconds(45))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> Instant.now().isAfter(end.plusSeconds(3)));
      // The partitions did not move meanwhile.
      assertThat(east.stream().collect(Collectors.toMap(a -> a.config().agentId(), Agent::partitions))).isEqualTo(owners);

      for (long w = firstWindow; w < firstWindow + windows; w++) {
        long window = w;
        List<CheckResult> inWindow =
            f.results(r -> Math.floorDiv(r.scheduledAt().toEpochMilli(), interval) == window);
        Map<String, Long> eastCounts = countByTarget(inWindow, eastLocation);
        Map<String, Long> westCounts = countByTarget(inWindow, westLocation);
        log.info("window {}: east {} west {}", window, eastCounts, westCounts);
        assertThat(eastCounts).as("east checks per target in window %d", window).hasSize(TARGETS).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        assertThat(westCounts).as("west checks per target in window %d", window).hasSize(TARGETS).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(1));
        for (CheckResult r : inWindow) {
          if (r.location().equals(eastLocation)) {
            int partition = AgentFixture.partitionOf(r.targetId());
            assertThat(owners.get(r.agentId())).as("partition %d of %s checked by %s", partition, r.targetId(), r.agentId()).contains(partition);
          } else {
            assertThat(r.agentId()).isEqualTo("west-1");
          }
        }
      }
    }
  }

  private static Map<String, Long> countByTarget(List<CheckResult> results, String location) {
    return results.stream()
        .filter(r -> r.location().equals(location))
        .collect(Collectors.groupingBy(CheckResult::targetId, TreeMap::new, Collectors.counting()));
  }
}
