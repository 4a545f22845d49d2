package dev.webmon.agent;

import dev.webmon.check.Checker;
import dev.webmon.event.CheckResult;
import dev.webmon.event.TargetSpec;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A checker that answers UP at once, or blocks for the ids it is told to hang on. */
final class FakeChecker implements Checker {
  private final String location;
  private final String agentId;
  private final InstantSource clock;
  private final Set<String> hanging = ConcurrentHashMap.newKeySet();
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger maxRunning = new AtomicInteger();
  private volatile boolean blockAll;

  FakeChecker(String location, String agentId, InstantSource clock) {
    this.location = location;
    this.agentId = agentId;
    this.clock = clock;
  }

  FakeChecker hang(String id) {
    hanging.add(id);
    return this;
  }

  FakeChecker blockAll() {
    blockAll = true;
    return this;
  }

  void releaseAll() {
    release.countDown();
  }

  int maxRunning() {
    return maxRunning.get();
  }

  @Override
  public CheckResult check(TargetSpec target, Instant scheduledAt) {
    Instant started = clock.instant();
    int now = running.incrementAndGet();
    maxRunning.accumulateAndGet(now, Math::max);
    try {
      if (blockAll || hanging.contains(target.id())) {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return result(target, scheduledAt, started, location, agentId);
    } finally {
      running.decrementAndGet();
    }
  }

  static CheckResult result(TargetSpec target, Instant scheduledAt, Instant started, String location, String agentId) {
    return CheckResult.builder()
        .resultId(UUID.randomUUID())
        .target(target)
        .location(location)
        .agentId(agentId)
        .scheduledAt(scheduledAt)
        .startedAt(started)
        .up(200)
        .build();
  }
}
