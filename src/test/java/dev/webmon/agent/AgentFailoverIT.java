package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.ops.OpsEndpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent that dies without leaving its group (a {@code webmon agent} child process killed with
 * SIGKILL): its partitions move to the survivors, which resume checking its targets. Measures the
 * failover time (kill until every orphaned target has been checked by a survivor) and asserts it
 * is at most 15 s.
 */
@ExtendWith(KafkaExtension.class)
class AgentFailoverIT {
  private static final Logger log = LoggerFactory.getLogger(AgentFailoverIT.class);
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration BOUND = Duration.ofSeconds(15);

  @Test
  void aKilledAgentsTargetsResumeOnTheSurvivorsWithinFifteenSeconds(EmbeddedKafka broker) throws Exception {
    Path jar = Path.of(System.getProperty("webmon.jar", "target/webmon.jar"));
    assertThat(jar).exists();
    try (AgentFixture f = new AgentFixture(broker);
        Admin admin = Admin.create(f.kafka.clientProperties())) {
      List<String> ids = IntStream.range(0, 24).mapToObj(i -> "site-" + i).toList();
      for (String id : ids) {
        f.put(f.target(id, 1, INTERVAL));
      }
      String east = AgentFixture.uniqueLocation("east");
      String group = "webmon-agent." + east;
      f.startAgent(east, "east-1");
      f.startAgent(east, "east-2");
      Path logFile = Files.createTempFile("webmon-agent-child", ".log");
      Process child = startChild(jar, f, east, logFile);
      try {
        // The child holds its share and is checking.
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> memberPartitions(admin, group).values().stream().filter(p -> p.size() == 4).count() == 3);
        Set<Integer> orphaned = memberPartitions(admin, group).get("webmon-agent-east-child");
        List<String> orphanTargets = ids.stream().filter(id -> orphaned.contains(AgentFixture.partitionOf(id))).toList();
        assertThat(orphanTargets).isNotEmpty();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    f.results(r -> r.agentId().equals("east-child")).stream().map(CheckResult::targetId).collect(Collectors.toSet())
                        .containsAll(orphanTargets));

        child.destroyForcibly(); // SIGKILL: no LeaveGroup, no flush, like a crash or a pulled plug
        Instant killed = Instant.now();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        // Takeover: the group gives the orphaned partitions to the survivors.
        await()
            .atMost(BOUND.plusSeconds(15))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> {
                  Map<String, Set<Integer>> m = memberPartitions(admin, group);
                  return !m.containsKey("webmon-agent-east-child")
                      && m.values().stream().flatMap(Set::stream).collect(Collectors.toSet()).containsAll(orphaned);
                });
        Duration takeover = Duration.between(killed, Instant.now());

        // Resumption: every orphaned target checked by a survivor.
        await()
            .atMost(BOUND.plusSeconds(20))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> orphanTargets.stream().allMatch(id -> firstSurvivorCheck(f, id, killed) != null));
        List<Duration> gaps = new ArrayList<>();
        for (String id : orphanTargets) {
          gaps.add(Duration.between(killed, firstSurvivorCheck(f, id, killed).startedAt()));
        }
        Duration failover = gaps.stream().max(Comparator.naturalOrder()).orElseThrow();
        String report =
            String.format(
                java.util.Locale.ROOT,
                "FAILOVER: agent killed (SIGKILL); partitions %s reassigned after %d ms; all %d orphaned targets checked by survivors after %d ms (first %d ms)",
                orphaned,
                takeover.toMillis(),
                orphanTargets.size(),
                failover.toMillis(),
                gaps.stream().min(Comparator.naturalOrder()).orElseThrow().toMillis());
        log.info(report);
        System.out.println(report);
        assertThat(failover).isLessThanOrEqualTo(BOUND);
      } finally {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
        log.info("child agent log:\n{}", Files.readString(logFile));
        Files.deleteIfExists(logFile);
      }
    }
  }

  @Test
  void aCleanStopOnSigtermLeavesTheGroupAtOnceAndDeliversItsResults(EmbeddedKafka broker) throws Exception {
    Path jar = Path.of(System.getProperty("webmon.jar", "target/webmon.jar"));
    try (AgentFixture f = new AgentFixture(broker);
        Admin admin = Admin.create(f.kafka.clientProperties())) {
      List<String> ids = IntStream.range(0, 12).mapToObj(i -> "site-" + i).toList();
      for (String id : ids) {
        f.put(f.target(id, 1, INTERVAL));
      }
      String east = AgentFixture.uniqueLocation("east");
      String group = "webmon-agent." + east;
      f.startAgent(east, "east-1");
      Path logFile = Files.createTempFile("webmon-agent-child", ".log");
      Process child = startChild(jar, f, east, logFile);
      try {
        await()
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> memberPartitions(admin, group).values().stream().filter(p -> p.size() == 6).count() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> !f.results(r -> r.agentId().equals("east-child")).isEmpty());
        // webmon agent's operations endpoint, as Prometheus and an orchestrator ask it.
        String childLog = Files.readString(logFile);
        String ops = OpsEndpoints.loggedUrl(childLog).orElseThrow(() -> new AssertionError(childLog));
        OpsEndpoints.Answers answers = OpsEndpoints.assertServes(ops, "agent", Duration.ofSeconds(10));
        assertThat(answers.ready().get("details").get("assignedPartitions").asInt()).isEqualTo(6);
        assertThat(answers.metrics()).contains("webmon_agent_assigned_partitions{agent=\"east-child\"");
        child.destroy(); // SIGTERM
        Instant stopped = Instant.now();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> memberPartitions(admin, group).values().stream().anyMatch(p -> p.size() == 12));
        Duration takeover = Duration.between(stopped, Instant.now());
        String log = Files.readString(logFile);
        String report = "CLEAN STOP: SIGTERM; partitions moved to the survivor after " + takeover.toMillis() + " ms";
        AgentFailoverIT.log.info(report);
        System.out.println(report);
        assertThat(log).contains("agent east-child stopping").containsPattern("agent east-child stopped in \\d+ ms; \\d+ result\\(s\\) published, 0 undeliverable");
        assertThat(takeover).isLessThan(Duration.ofSeconds(5));
      } finally {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
        Files.deleteIfExists(logFile);
      }
    }
  }

  private static Process startChild(Path jar, AgentFixture f, String location, Path logFile) throws java.io.IOException {
    return new ProcessBuilder(
            ProcessHandle.current().info().command().orElse("java"),
            "-Xmx256m",
            "-jar",
            jar.toString(),
            "agent",
            "--location", location,
            "--agent-id", "east-child",
            "--agent-metrics-port", "0",
            "--agent-metrics-host", "127.0.0.1",
            "--kafka-bootstrap-servers", f.kafka.bootstrapServers(),
            "--topics-prefix", f.prefix,
            "--check-allowed-networks", "127.0.0.0/8")
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile())
        .start();
  }

  private static CheckResult firstSurvivorCheck(AgentFixture f, String id, Instant killed) {
    return f.results(r -> r.targetId().equals(id) && !r.agentId().equals("east-child") && r.startedAt().isAfter(killed)).stream()
        .min(Comparator.comparing(CheckResult::startedAt))
        .orElse(null);
  }

  private static Map<String, Set<Integer>> memberPartitions(Admin admin, String group) throws Exception {
    ConsumerGroupDescription d;
    try {
      d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of(); // not formed yet
      }
      throw e;
    }
    return d.members().stream()
        .collect(
            Collectors.toMap(
                MemberDescription::clientId,
                m -> m.assignment().topicPartitions().stream().map(TopicPartition::partition).collect(Collectors.toSet()),
                (a, b) -> a));
  }
}
