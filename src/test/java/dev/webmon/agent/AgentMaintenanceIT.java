package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceScope;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent's maintenance feed against a real broker: windows on {@code <prefix>.maintenance} (the
 * highest version per id, tombstones, a poison record) flag the results of the targets they cover
 * while they are active, from the very first check after a start.
 */
@ExtendWith(KafkaExtension.class)
class AgentMaintenanceIT {
  private static final Duration INTERVAL = Duration.ofSeconds(10);

  private static MaintenanceWindow window(UUID id, long version, MaintenanceScope scope, Instant start, Instant end) {
    return new MaintenanceWindow(id, version, "Database upgrade", "", scope, new MaintenanceSchedule.Once(start, end), start);
  }

  @Test
  void resultsOfCoveredTargetsAreFlaggedWhileAWindowIsActive(EmbeddedKafka broker) throws Exception {
    try (AgentFixture f = new AgentFixture(broker)) {
      Instant now = Instant.now();
      MaintenanceScope db = new MaintenanceScope(false, List.of(), List.of("db"));
      UUID active = UUID.randomUUID();
      // Version 2 (active around now) and then an older version 1 (long past): the highest wins.
      f.sendMaintenance(active.toString(), f.codec.encode(window(active, 2, db, now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)))));
      f.sendMaintenance(active.toString(), f.codec.encode(window(active, 1, db, now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)))));
      // A window for every target, but not now (it starts in an hour): nothing flagged by it.
      UUID later = UUID.randomUUID();
      f.sendMaintenance(later.toString(), f.codec.encode(window(later, 1, MaintenanceScope.ALL, now.plus(Duration.ofHours(1)), now.plus(Duration.ofHours(2)))));
      // Poison: not a window, and a window under another id's key. Skipped, never fatal.
      f.sendMaintenance(UUID.randomUUID().toString(), "{\"v\":\"1.0\",\"id\":".getBytes(StandardCharsets.UTF_8));
      f.sendMaintenance(UUID.randomUUID().toString(), f.codec.encode(window(UUID.randomUUID(), 1, db, now, now.plusSeconds(60))));

      TargetSpec inDb = f.target("db-1", 1, INTERVAL).toBuilder().tag("db").build();
      TargetSpec plain = f.target("web-1", 1, INTERVAL);
      f.put(inDb);
      f.put(plain);
      Agent agent = f.startAgent("maint", "agent-m");

      // The windows were read before the first checks: the very first result of db-1 is flagged.
      await().atMost(Duration.ofSeconds(20))
          .until(() -> !f.results(r -> r.targetId().equals("db-1")).isEmpty() && !f.results(r -> r.targetId().equals("web-1")).isEmpty());
      assertThat(f.results(r -> r.targetId().equals("db-1"))).allMatch(CheckResult::maintenance);
      assertThat(f.results(r -> r.targetId().equals("web-1"))).noneMatch(CheckResult::maintenance);
      assertThat(agent.metrics().invalidMaintenanceRecordCount()).isEqualTo(2);

      assertThat(agent.maintenanceWindowCount()).isEqualTo(2);

      // Live changes: a window for web-1 by id is added, then the db window is deleted.
      UUID byId = UUID.randomUUID();
      f.sendMaintenance(
          byId.toString(),
          f.codec.encode(window(byId, 1, new MaintenanceScope(false, List.of("web-1"), List.of()), now.minusSeconds(60), now.plus(Duration.ofHours(1)))));
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.maintenanceWindowCount() == 3);
      f.sendMaintenance(active.toString(), null);
      await().atMost(Duration.ofSeconds(10)).until(() -> agent.maintenanceWindowCount() == 2);

      // New versions are checked at once: db-1 is no longer in maintenance, web-1 now is.
      f.put(f.target("db-1", 2, INTERVAL).toBuilder().tag("db").build());
      f.put(f.target("web-1", 2, INTERVAL));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> !f.results(r -> r.targetId().equals("db-1") && r.targetVersion() == 2).isEmpty()
              && !f.results(r -> r.targetId().equals("web-1") && r.targetVersion() == 2).isEmpty());
      assertThat(f.results(r -> r.targetId().equals("db-1") && r.targetVersion() == 2)).noneMatch(CheckResult::maintenance);
      assertThat(f.results(r -> r.targetId().equals("web-1") && r.targetVersion() == 2)).allMatch(CheckResult::maintenance);
    }
  }
}
