package dev.webmon.alerter;

import dev.webmon.config.TopicsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The alerter's Kafka Streams topology (Processor API):
 *
 * <pre>
 * results ──────────┐
 * targets ──────────┼─> alerts (AlertProcessor) ──> incidents
 * incident-commands ┘     │ stores alerter-targets, alerter-state (in memory, changelogged)
 *                         │ global store alerter-policies <── alert-policies (GlobalKeeper)
 *                         │ global store alerter-maintenance <── maintenance (GlobalKeeper)
 *                         └ wall-clock punctuation every tick
 * </pre>
 *
 * The three input topics must be co-partitioned (same key = target id, same partition count);
 * Streams refuses to start otherwise. Every store is in memory: RocksDB is not on the class path.
 * Writes between two commits reach the changelogs once per key, at the commit, in the same
 * transaction: {@code alerter-targets} is cached ({@code statestore.cache.max.bytes}), {@code
 * alerter-state} keeps decoded states and encodes the changed ones at the commit ({@link
 * AlertStates}).
 * Changelog topics: {@code <application.id>-alerter-targets-changelog} and {@code
 * <application.id>-alerter-state-changelog}; the global stores restore from {@code
 * alert-policies} and {@code maintenance} themselves.
 */
public final class AlerterTopology {
  /** Store: per target, what the alerter keeps of its spec ({@link Watch}). */
  static final String WATCHES = "alerter-targets";

  /** Store: per target, its locations and incident lanes ({@link TargetAlerts}). */
  static final String ALERTS = "alerter-state";

  /** Global store: alert policies by name, as their JSON. */
  static final String POLICIES = "alerter-policies";

  /** Global store: maintenance windows by id, as their JSON. */
  static final String MAINTENANCE = "alerter-maintenance";

  /**
   * Committed states the {@code alerter-state} store keeps decoded ({@link AlertStates}), per
   * task; 1 to 2 KB of heap each with three locations (docs/benchmarks.md).
   */
  static final int DECODED_STATES_PER_TASK = 20_000;

  private AlerterTopology() {}

  /**
   * The topology reading {@code topics}' results, targets, incident commands, alert policies and
   * maintenance windows and writing incident transitions.
   *
   * @param topics topic names
   * @param clock the time of ticks (results are judged by their own startedAt)
   * @param tick how often every target is judged at {@code clock.instant()} (silence, flapping);
   *     positive
   * @return a new topology; build one per {@code KafkaStreams}
   */
  public static Topology build(TopicsConfig topics, Clock clock, Duration tick) {
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(clock, "clock");
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("tick must be positive, was " + tick);
    }
    Topology t = new Topology();
    ByteArrayDeserializer bytes = new ByteArrayDeserializer();
    t.addSource("results", bytes, bytes, topics.results());
    t.addSource("targets", bytes, bytes, topics.targets());
    t.addSource("incident-commands", bytes, bytes, topics.incidentCommands());
    t.addProcessor("alerts", () -> new AlertProcessor(topics, clock, tick),
        "results", "targets", "incident-commands");
    t.addStateStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(WATCHES), Serdes.String(),
                Serdes.ByteArray())
            .withCachingEnabled(),
        "alerts");
    t.addStateStore(AlertStates.builder(ALERTS, DECODED_STATES_PER_TASK), "alerts");
    t.addSink("incidents", topics.incidents(), new StringSerializer(), new ByteArraySerializer(),
        "alerts");
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(POLICIES), Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        "alert-policies", new StringDeserializer(), bytes, topics.alertPolicies(),
        "policy-updates", () -> new GlobalKeeper<>(GlobalKeeper.POLICIES));
    t.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(MAINTENANCE), Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        "maintenance", new StringDeserializer(), bytes, topics.maintenance(),
        "maintenance-updates", () -> new GlobalKeeper<>(GlobalKeeper.MAINTENANCE));
    return t;
  }
}
