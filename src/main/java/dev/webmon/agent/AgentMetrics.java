package dev.webmon.agent;

import dev.webmon.event.CheckResult;
import dev.webmon.event.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;

/**
 * The agent's meters, named {@code webmon_agent_*} in Prometheus format. Thread-safe.
 *
 * <ul>
 *   <li>{@code webmon_agent_checks_total{outcome,reason}}: checks done (rate = checks/s)
 *   <li>{@code webmon_agent_check_lateness_seconds}: actual start minus scheduled time (histogram)
 *   <li>{@code webmon_agent_checks_in_flight}, {@code webmon_agent_checks_queued}
 *   <li>{@code webmon_agent_checks_skipped_total{cause}}: overlap (previous check of the target
 *       still queued or running) or behind (timer more than an interval late)
 *   <li>{@code webmon_agent_results_published_total}, {@code webmon_agent_publish_errors_total{error}}
 *   <li>{@code webmon_agent_assigned_partitions}, {@code webmon_agent_targets}
 *   <li>{@code webmon_agent_invalid_target_records_total{error}}, {@code webmon_agent_rebalances_total{event}}
 *   <li>{@code webmon_agent_invalid_maintenance_records_total{error}}: records of the maintenance
 *       topic skipped
 * </ul>
 */
final class AgentMetrics {
  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> checks = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> publishErrors = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> invalidRecords = new ConcurrentHashMap<>();
  private final Timer lateness;
  private final Counter published;
  private final Counter skippedOverlap;
  private final Counter checkerFailures;
  private final AtomicInteger assignedPartitions = new AtomicInteger();
  private final AtomicInteger targets = new AtomicInteger();

  AgentMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.lateness =
        Timer.builder("webmon.agent.check.lateness")
            .description("Actual start of a check minus its scheduled time")
            .publishPercentileHistogram()
            .publishPercentiles(0.5, 0.99)
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(5))
            .register(registry);
    this.published =
        Counter.builder("webmon.agent.results.published").description("Results acknowledged by Kafka").register(registry);
    this.skippedOverlap =
        Counter.builder("webmon.agent.checks.skipped")
            .tag("cause", "overlap")
            .description("Checks not started: the previous check of the target was still queued or running")
            .register(registry);
    this.checkerFailures =
        Counter.builder("webmon.agent.checker.failures")
            .description("Checks whose checker threw (a bug: checkers report failures as DOWN results)")
            .register(registry);
    Gauge.builder("webmon.agent.assigned.partitions", assignedPartitions, AtomicInteger::get)
        .description("Partitions of the targets topic this agent holds")
        .register(registry);
    Gauge.builder("webmon.agent.targets", targets, AtomicInteger::get)
        .description("Targets this agent schedules")
        .register(registry);
    // Pre-register the zero series operators alert on.
    publishError("none").count();
  }

  MeterRegistry registry() {
    return registry;
  }

  <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
    Gauge.builder(name, source, value).description(description).register(registry);
  }

  <T> void skippedBehind(T source, ToDoubleFunction<T> missed) {
    FunctionCounter.builder("webmon.agent.checks.skipped", source, missed)
        .tag("cause", "behind")
        .description("Slots skipped because the scheduler was more than one interval behind")
        .register(registry);
  }

  void lateness(Duration late) {
    lateness.record(late.isNegative() ? Duration.ZERO : late);
  }

  Timer latenessTimer() {
    return lateness;
  }

  void checked(CheckResult result) {
    String reason = result.reason().map(Reason::name).orElse("NONE");
    String key = result.outcome().name() + "/" + reason;
    checks
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("webmon.agent.checks")
                    .description("Checks done, by outcome and reason")
                    .tag("outcome", result.outcome().name())
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  void skippedOverlap() {
    skippedOverlap.increment();
  }

  void checkerFailure() {
    checkerFailures.increment();
  }

  void published() {
    published.increment();
  }

  double publishedCount() {
    return published.count();
  }

  void publishFailed(Throwable error) {
    publishError(error.getClass().getSimpleName()).increment();
  }

  double publishErrorCount() {
    return publishErrors.entrySet().stream()
        .filter(e -> !e.getKey().equals("none"))
        .mapToDouble(e -> e.getValue().count())
        .sum();
  }

  private Counter publishError(String error) {
    return publishErrors.computeIfAbsent(
        error,
        e ->
            Counter.builder("webmon.agent.publish.errors")
                .description("Results that could not be delivered to Kafka after the client's retries")
                .tag("error", e)
                .register(registry));
  }

  void invalidTargetRecord(String error) {
    invalidRecords
        .computeIfAbsent(
            error,
            e ->
                Counter.builder("webmon.agent.invalid.target.records")
                    .description("Records of the targets topic skipped because they are not valid targets")
                    .tag("error", e.toLowerCase(Locale.ROOT))
                    .register(registry))
        .increment();
  }

  void invalidMaintenanceRecord(String error) {
    Counter.builder("webmon.agent.invalid.maintenance.records")
        .description("Records of the maintenance topic skipped because they are not valid windows")
        .tag("error", error.toLowerCase(Locale.ROOT))
        .register(registry)
        .increment();
  }

  double invalidMaintenanceRecordCount() {
    return registry.find("webmon.agent.invalid.maintenance.records").counters().stream().mapToDouble(Counter::count).sum();
  }

  double invalidTargetRecordCount() {
    return invalidRecords.values().stream().mapToDouble(Counter::count).sum();
  }

  void rebalance(String event, int partitions) {
    Counter.builder("webmon.agent.rebalances")
        .description("Partitions of the targets topic assigned, revoked or lost, by event")
        .tag("event", event)
        .register(registry)
        .increment(partitions);
  }

  void assignedPartitions(int count) {
    assignedPartitions.set(count);
  }

  void targets(int count) {
    targets.set(count);
  }
}
