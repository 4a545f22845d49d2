package dev.webmon.agent;

import dev.webmon.bench.JsonLine;
import dev.webmon.bench.LatencyHistogram;
import dev.webmon.check.Checker;
import dev.webmon.event.CheckResult;
import dev.webmon.event.TargetSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's scheduler and check runner at scale, without network: N targets at one interval, a
 * checker that answers UP after {@code checkTime} (0 = at once), results counted instead of
 * published. Measures the start lateness (actual start minus slot) during the first interval
 * (which includes the spread-out first checks) and after it, the checks per second, and the heap
 * after a full GC with every target scheduled. Used by {@code webmon bench scheduler}.
 *
 * <p>In package {@code agent}, not {@code bench}, because it drives the agent's package-private
 * {@link Scheduler}, {@link CheckRunner} and {@link AgentMetrics} exactly as {@link Agent} wires them.
 */
public final class SchedulerBench {
  private SchedulerBench() {}

  /** What to measure. */
  public record Options(int targets, Duration interval, Duration duration, int concurrency, Duration checkTime) {
    public Options {
      if (targets < 1 || targets > 10_000_000) {
        throw new IllegalArgumentException("--targets must be 1 to 10000000");
      }
      if (interval.compareTo(TargetSpec.MIN_INTERVAL) < 0 || interval.compareTo(TargetSpec.MAX_INTERVAL) > 0) {
        throw new IllegalArgumentException("--interval must be 10s to 1d");
      }
      if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(Duration.ofHours(24)) > 0) {
        throw new IllegalArgumentException("--duration must be 1s to 24h");
      }
      if (concurrency < 1 || concurrency > 100_000) {
        throw new IllegalArgumentException("--concurrency must be 1 to 100000");
      }
      if (checkTime.isNegative() || checkTime.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("--check-time must be 0 to 60s");
      }
    }
  }

  /** Lateness percentiles of one phase, in milliseconds. */
  public record Lateness(long count, double p50Ms, double p99Ms, double maxMs) {}

  /** The figures of one run. */
  public record Result(
      Options options,
      long checks,
      double checksPerSecond,
      Lateness firstInterval,
      Lateness steady,
      long skippedOverlap,
      long skippedBehind,
      double heapAfterGcMb,
      double maxHeapMb,
      double cpuSeconds) {
    /** One JSON object with every figure, for scripts. */
    public String json() {
      Options o = options;
      return JsonLine.bench("scheduler")
          .put("targets", o.targets())
          .put("intervalSeconds", o.interval().toSeconds())
          .put("durationSeconds", o.duration().toSeconds())
          .put("concurrency", o.concurrency())
          .put("checkTimeMs", o.checkTime().toMillis())
          .put("checks", checks)
          .put("checksPerSecond", checksPerSecond, 1)
          .put("firstIntervalChecks", firstInterval.count())
          .put("firstIntervalLatenessP50Ms", firstInterval.p50Ms(), 2)
          .put("firstIntervalLatenessP99Ms", firstInterval.p99Ms(), 2)
          .put("firstIntervalLatenessMaxMs", firstInterval.maxMs(), 2)
          .put("steadyChecks", steady.count())
          .put("latenessP50Ms", steady.p50Ms(), 2)
          .put("latenessP99Ms", steady.p99Ms(), 2)
          .put("latenessMaxMs", steady.maxMs(), 2)
          .put("skippedOverlap", skippedOverlap)
          .put("skippedBehind", skippedBehind)
          .put("heapAfterGcMb", heapAfterGcMb, 1)
          .put("maxHeapMb", maxHeapMb, 0)
          .put("cpuSeconds", cpuSeconds, 1)
          .toString();
    }
  }

  /** Runs the bench; progress and the summary go to {@code out}. */
  public static Result run(Options o, PrintWriter out) throws InterruptedException {
    InstantSource clock = InstantSource.system();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    AgentMetrics metrics = new AgentMetrics(registry);
    long startMillis = clock.millis();
    long firstIntervalEnd = startMillis + o.interval().toMillis();
    long endMillis = startMillis + o.duration().toMillis();
    // Lateness of every check, split at the end of the first interval.
    LatencyHistogram first = new LatencyHistogram(TimeUnit.MICROSECONDS);
    LatencyHistogram steady = new LatencyHistogram(TimeUnit.MICROSECONDS);
    Checker checker =
        (target, scheduledAt) -> {
          Instant started = clock.instant();
          long lateMicros = Duration.between(scheduledAt, started).toNanos() / 1000;
          (scheduledAt.toEpochMilli() < firstIntervalEnd ? first : steady).record(lateMicros);
          if (!o.checkTime().isZero()) {
            try {
              Thread.sleep(o.checkTime());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return CheckResult.builder()
              .resultId(UUID.randomUUID())
              .target(target)
              .location("bench")
              .agentId("bench")
              .scheduledAt(scheduledAt)
              .startedAt(started)
              .up(200)
              .build();
        };
    LongAdder results = new LongAdder();
    AtomicReference<Scheduler<TargetSpec>> ref = new AtomicReference<>();
    CheckRunner runner =
        new CheckRunner(checker, r -> results.increment(), o.concurrency(), clock, metrics, (id, spec) -> ref.get().isCurrent(id, spec));
    Scheduler<TargetSpec> scheduler = new Scheduler<>(clock, runner);
    ref.set(scheduler);
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    long cpuStart = cpuNanos(os);
    // As in the agent: the timer runs while the targets arrive.
    scheduler.start();
    for (int i = 0; i < o.targets(); i++) {
      String id = "target-" + i;
      TargetSpec spec =
          TargetSpec.builder(id, "https://site-" + i + ".example.com/health")
              .interval(o.interval())
              .mustMatch("ok")
              .build();
      scheduler.scheduleWithin(id, spec, o.interval(), o.interval());
    }
    out.printf(Locale.ROOT, "%d targets scheduled at %d s in %d ms%n", o.targets(), o.interval().toSeconds(), clock.millis() - startMillis);
    out.flush();
    double heapMb = 0;
    boolean measuredHeap = false;
    long nextReport = startMillis + 10_000;
    while (clock.millis() < endMillis) {
      Thread.sleep(Math.min(1_000, Math.max(1, endMillis - clock.millis())));
      if (!measuredHeap && clock.millis() > startMillis + o.interval().toMillis() / 2) {
        heapMb = heapAfterGcMb();
        measuredHeap = true;
      }
      if (clock.millis() >= nextReport) {
        out.printf(
            Locale.ROOT, "  %d s: %d checks, %d in flight, %d queued%n",
            (clock.millis() - startMillis) / 1000, results.sum(), runner.inFlight(), runner.queued());
        out.flush();
        nextReport += 10_000;
      }
    }
    scheduler.close();
    runner.stop(Duration.ofSeconds(5));
    if (!measuredHeap) {
      heapMb = heapAfterGcMb();
    }
    double cpu = (cpuNanos(os) - cpuStart) / 1e9;
    double seconds = (clock.millis() - startMillis) / 1000.0;
    Result r =
        new Result(
            o,
            results.sum(),
            results.sum() / seconds,
            lateness(first),
            lateness(steady),
            (long) registry.get("webmon.agent.checks.skipped").tag("cause", "overlap").counter().count(),
            scheduler.missedSlots(),
            heapMb,
            Runtime.getRuntime().maxMemory() / 1e6,
            cpu);
    out.printf(
        Locale.ROOT,
        "%d checks in %.0f s (%.0f/s); start lateness first interval p50 %.1f ms p99 %.1f ms max %.1f ms;"
            + " after it p50 %.1f ms p99 %.1f ms max %.1f ms; skipped %d overlap, %d behind;"
            + " heap after GC %.1f MB (max %.0f MB); CPU %.1f s%n",
        r.checks(), seconds, r.checksPerSecond(),
        r.firstInterval().p50Ms(), r.firstInterval().p99Ms(), r.firstInterval().maxMs(),
        r.steady().p50Ms(), r.steady().p99Ms(), r.steady().maxMs(),
        r.skippedOverlap(), r.skippedBehind(), r.heapAfterGcMb(), r.maxHeapMb(), r.cpuSeconds());
    out.println(r.json());
    out.flush();
    return r;
  }

  private static Lateness lateness(LatencyHistogram h) {
    return new Lateness(h.count(), h.percentileMs(50), h.percentileMs(99), h.maxMs());
  }

  private static double heapAfterGcMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1e6;
  }

  private static long cpuNanos(OperatingSystemMXBean os) {
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return 0;
  }
}
