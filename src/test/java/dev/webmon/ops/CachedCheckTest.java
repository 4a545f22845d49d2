package dev.webmon.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CachedCheckTest {
  @Test
  void aBurstOfProbesCostsOneCheck() {
    AtomicInteger calls = new AtomicInteger();
    CachedCheck check =
        new CachedCheck("db", () -> Check.ok("db", "call " + calls.incrementAndGet()), Duration.ofMinutes(1), Duration.ofSeconds(5));
    IntStream.range(0, 50).parallel().forEach(i -> assertThat(check.get().ok()).isTrue());
    assertThat(calls.get()).isEqualTo(1);
    assertThat(check.get().detail()).isEqualTo("call 1");
  }

  @Test
  void anOldResultIsRefreshed() {
    AtomicInteger calls = new AtomicInteger();
    CachedCheck check =
        new CachedCheck("db", () -> Check.ok("db", "call " + calls.incrementAndGet()), Duration.ofMillis(50), Duration.ofSeconds(5));
    assertThat(check.get().detail()).isEqualTo("call 1");
    await().atMost(Duration.ofSeconds(5)).until(() -> check.get().detail().equals("call 2"));
  }

  @Test
  void aHungDependencyIsReportedWithinTheWaitAndNotAskedTwice() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    CachedCheck check =
        new CachedCheck(
            "kafka",
            () -> {
              calls.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return Check.ok("kafka", "late");
            },
            Duration.ZERO,
            Duration.ofMillis(100));
    long start = System.nanoTime();
    Check first = check.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(first.ok()).isFalse();
    assertThat(first.detail()).isEqualTo("no answer within 100 ms");
    assertThat(check.get().ok()).isFalse();
    assertThat(calls.get()).isEqualTo(1);
    release.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> check.get().detail().equals("late"));
  }

  @Test
  void anExceptionIsAFailedCheck() {
    CachedCheck check =
        new CachedCheck(
            "db",
            () -> {
              throw new IllegalStateException("refused");
            },
            Duration.ofMinutes(1),
            Duration.ofSeconds(5));
    Check c = check.get();
    assertThat(c.ok()).isFalse();
    assertThat(c.name()).isEqualTo("db");
    assertThat(c.detail()).contains("refused");
  }
}
