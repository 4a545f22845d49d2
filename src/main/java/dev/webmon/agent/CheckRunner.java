package dev.webmon.agent;

import dev.webmon.check.Checker;
import dev.webmon.event.CheckResult;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs due checks with bounded concurrency: a fixed number of virtual-thread workers take checks
 * from a queue, so the scheduler never waits for a check and a slow or hanging site holds one
 * worker only (until its own timeout). At most one check per target version is queued or
 * running: a slot that comes due while the previous check of the same version is still pending is
 * skipped and counted, which also bounds the queue by the number of targets; a changed target
 * is checked at once even if a check of its old version is still running.
 *
 * <p>A check that throws is counted ({@code webmon_agent_checker_failures_total}) and logged; if
 * it throws an {@link Error} (a {@code StackOverflowError}, an {@code AssertionError}, ...) its
 * worker ends and a fresh one takes its place, so the pool never shrinks.
 *
 * <p>Thread-safe.
 */
final class CheckRunner implements Scheduler.Dispatcher<TargetSpec>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

  private record Task(TargetSpec target, Instant scheduledAt) {}

  private final Checker checker;
  private final ResultHandler results;
  private final InstantSource clock;
  private final AgentMetrics metrics;
  private final BiPredicate<String, TargetSpec> stillWanted;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  /** The version of each target with a check queued or running. */
  private final ConcurrentHashMap<String, TargetSpec> pending = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  /** The live worker of each slot; guarded by itself, as is setting {@link #stopping}. */
  private final Thread[] workers;
  private volatile boolean stopping;

  /**
   * @param stillWanted asked just before a queued check starts: false if the target was deleted,
   *     changed or revoked meanwhile, and the check is dropped
   */
  CheckRunner(
      Checker checker,
      ResultHandler results,
      int concurrency,
      InstantSource clock,
      AgentMetrics metrics,
      BiPredicate<String, TargetSpec> stillWanted) {
    this.checker = Objects.requireNonNull(checker, "checker");
    this.results = Objects.requireNonNull(results, "results");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.stillWanted = Objects.requireNonNull(stillWanted, "stillWanted");
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
    metrics.gauge("webmon.agent.checks.in.flight", "Checks running now", inFlight, AtomicInteger::get);
    metrics.gauge("webmon.agent.checks.queued", "Checks due and waiting for a free slot", queue, LinkedBlockingQueue::size);
    this.workers = new Thread[concurrency];
    synchronized (workers) {
      for (int i = 0; i < concurrency; i++) {
        startWorker(i);
      }
    }
  }

  /** Lock on {@link #workers} held. */
  private void startWorker(int slot) {
    workers[slot] = Thread.ofVirtual().name("check-worker-" + slot).start(() -> work(slot));
  }

  @Override
  public void dispatch(String id, TargetSpec target, Instant scheduledAt) {
    if (stopping) {
      return;
    }
    TargetSpec before = pending.putIfAbsent(id, target);
    if (before == target) {
      metrics.skippedOverlap();
      log.debug("target {}: check due at {} skipped, the previous one is still pending", id, scheduledAt);
      return;
    }
    if (before != null) {
      // A changed target is checked at once even while a check of its old version still runs.
      pending.put(id, target);
    }
    queue.add(new Task(target, scheduledAt));
  }

  int inFlight() {
    return inFlight.get();
  }

  int queued() {
    return queue.size();
  }

  private void work(int slot) {
    while (!stopping) {
      Task task;
      try {
        task = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (task == null) {
        continue;
      }
      try {
        run(task);
      } catch (Error e) {
        // After an Error this thread may be in any state: it ends, and a fresh worker replaces it.
        metrics.checkerFailure();
        log.error("target {}: the check failed with an error; replacing check-worker-{}", task.target().id(), slot, e);
        synchronized (workers) {
          if (!stopping) {
            startWorker(slot);
          }
        }
        return;
      }
    }
  }

  private void run(Task task) {
    TargetSpec target = task.target();
    try {
      if (!stillWanted.test(target.id(), target)) {
        log.debug("target {}: dropped a queued check, the target was changed, deleted or revoked", target.id());
        return;
      }
      inFlight.incrementAndGet();
      CheckResult result;
      try {
        Instant started = clock.instant();
        metrics.lateness(Duration.between(task.scheduledAt(), started));
        result = checker.check(target, task.scheduledAt());
      } finally {
        inFlight.decrementAndGet();
      }
      metrics.checked(result);
      log.debug(
          "target {}: {} {} in {} ms",
          target.id(),
          result.outcome(),
          result.reason().map(Enum::name).orElse(""),
          result.timings().totalMicros() / 1000);
      results.publish(result);
    } catch (RuntimeException e) {
      metrics.checkerFailure();
      log.error("target {}: the check failed unexpectedly", target.id(), e);
    } finally {
      pending.remove(target.id(), target);
    }
  }

  /**
   * Stops taking checks, drops the queued ones and waits up to {@code timeout} for running ones
   * (which still publish their results); interrupts what is left.
   */
  void stop(Duration timeout) {
    Thread[] last;
    synchronized (workers) {
      stopping = true; // no replacement starts after this
      last = workers.clone();
    }
    int dropped = queue.size();
    queue.clear();
    if (dropped > 0) {
      log.info("dropped {} queued check(s) at shutdown", dropped);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Thread w : last) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0 || !w.join(Duration.ofNanos(left))) {
          w.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(5));
  }
}
