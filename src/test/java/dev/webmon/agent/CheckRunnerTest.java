package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.event.CheckResult;
import dev.webmon.event.TargetSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckRunnerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);
  private final List<CheckResult> published = new CopyOnWriteArrayList<>();
  private final InstantSource clock = InstantSource.system();
  private final FakeChecker checker = new FakeChecker("loc", "agent-1", clock);
  private CheckRunner runner;

  static TargetSpec target(String id) {
    return TargetSpec.builder(id, "http://127.0.0.1:9/" + id).interval(Duration.ofSeconds(10)).build();
  }

  private CheckRunner runner(int concurrency) {
    runner = new CheckRunner(checker, published::add, concurrency, clock, metrics, (id, spec) -> true);
    return runner;
  }

  @AfterEach
  void stop() {
    checker.releaseAll();
    if (runner != null) {
      runner.stop(Duration.ofSeconds(5));
    }
  }

  @Test
  void runsAtMostMaxConcurrencyChecksAtOnce() {
    checker.blockAll();
    CheckRunner r = runner(3);
    for (int i = 0; i < 10; i++) {
      r.dispatch("t" + i, target("t" + i), clock.instant());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> r.inFlight() == 3);
    assertThat(r.queued()).isEqualTo(7);
    checker.releaseAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 10);
    assertThat(checker.maxRunning()).isEqualTo(3);
    assertThat(registry.get("webmon.agent.checks").tag("outcome", "UP").counter().count()).isEqualTo(10);
  }

  @Test
  void aHangingSiteDoesNotDelayTheOthers() {
    checker.hang("slow");
    CheckRunner r = runner(4);
    r.dispatch("slow", target("slow"), clock.instant());
    for (int round = 0; round < 5; round++) {
      for (int i = 0; i < 20; i++) {
        r.dispatch("t" + i, target("t" + i), clock.instant());
      }
      int expected = 20 * (round + 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == expected);
    }
    assertThat(published).extracting(CheckResult::targetId).doesNotContain("slow");
    assertThat(r.inFlight()).isEqualTo(1);
  }

  @Test
  void aSlotDueWhileThePreviousCheckOfTheSameTargetRunsIsSkippedAndCounted() {
    checker.hang("t1");
    CheckRunner r = runner(2);
    TargetSpec t1 = target("t1");
    r.dispatch("t1", t1, clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> r.inFlight() == 1);
    r.dispatch("t1", t1, clock.instant());
    r.dispatch("t1", t1, clock.instant());
    assertThat(registry.get("webmon.agent.checks.skipped").tag("cause", "overlap").counter().count()).isEqualTo(2);
    checker.releaseAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    await().atMost(Duration.ofSeconds(5)).until(() -> r.inFlight() == 0);
    r.dispatch("t1", t1, clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
  }

  @Test
  void aQueuedCheckOfATargetNoLongerWantedIsDropped() {
    runner =
        new CheckRunner(checker, published::add, 1, clock, metrics, (id, spec) -> !id.equals("deleted"));
    runner.dispatch("deleted", target("deleted"), clock.instant());
    runner.dispatch("kept", target("kept"), clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    assertThat(published.get(0).targetId()).isEqualTo("kept");
  }

  @Test
  void aCheckerThatThrowsIsCountedAndDoesNotStopTheRunner() {
    runner =
        new CheckRunner(
            (target, at) -> {
              if (target.id().equals("bad")) {
                throw new IllegalStateException("bug");
              }
              return FakeChecker.result(target, at, Instant.now(), "loc", "a");
            },
            published::add,
            1,
            clock,
            metrics,
            (id, spec) -> true);
    runner.dispatch("bad", target("bad"), clock.instant());
    runner.dispatch("good", target("good"), clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    assertThat(registry.get("webmon.agent.checker.failures").counter().count()).isEqualTo(1);
    runner.dispatch("bad", target("bad"), clock.instant()); // not stuck as "pending"
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("webmon.agent.checker.failures").counter().count() == 2);
  }

  @Test
  void aCheckThatThrowsAnErrorIsCountedAndItsWorkerReplaced() {
    runner =
        new CheckRunner(
            (target, at) -> {
              if (target.id().startsWith("bad")) {
                throw new StackOverflowError("a checker bug");
              }
              return checker.check(target, at);
            },
            published::add,
            2,
            clock,
            metrics,
            (id, spec) -> true);
    for (int i = 0; i < 5; i++) {
      runner.dispatch("bad" + i, target("bad" + i), clock.instant());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("webmon.agent.checker.failures").counter().count() == 5);
    // Both workers are still there: two checks run at once, the third waits.
    checker.blockAll();
    for (int i = 0; i < 3; i++) {
      runner.dispatch("good" + i, target("good" + i), clock.instant());
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> runner.inFlight() == 2);
    assertThat(runner.queued()).isEqualTo(1);
    checker.releaseAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 3);
    runner.dispatch("bad0", target("bad0"), clock.instant()); // not stuck as "pending"
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("webmon.agent.checker.failures").counter().count() == 6);
  }

  @Test
  void recordsLatenessOfTheActualStart() {
    CheckRunner r = runner(1);
    r.dispatch("t1", target("t1"), clock.instant().minusSeconds(2));
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 1);
    assertThat(metrics.latenessTimer().max(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2000);
  }

  @Test
  void aChangedTargetIsCheckedAtOnceEvenWhileItsOldVersionHangs() {
    checker.hang("t1");
    CheckRunner r = runner(2);
    TargetSpec v1 = target("t1");
    TargetSpec v2 = v1.toBuilder().version(2).url(java.net.URI.create("http://127.0.0.1:9/fixed")).build();
    r.dispatch("t1", v1, clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> r.inFlight() == 1);
    r.dispatch("t1", v2, clock.instant());
    await().atMost(Duration.ofSeconds(5)).until(() -> r.inFlight() == 2);
    r.dispatch("t1", v2, clock.instant()); // same version again: an overlap
    assertThat(registry.get("webmon.agent.checks.skipped").tag("cause", "overlap").counter().count()).isEqualTo(1);
    checker.releaseAll();
    await().atMost(Duration.ofSeconds(5)).until(() -> published.size() == 2);
    assertThat(published).extracting(CheckResult::targetVersion).containsExactlyInAnyOrder(1L, 2L);
  }
}
