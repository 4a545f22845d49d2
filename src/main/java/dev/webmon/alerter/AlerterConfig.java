package dev.webmon.alerter;

import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of {@code webmon alerter}, the Kafka Streams application that decides incidents. The
 * application id is {@code <topics.prefix>-alerter}; every instance with the same prefix shares
 * the work.
 *
 * @param tickInterval how often the wall-clock punctuation judges every target of a task (silence,
 *     windows)
 * @param streamThreads Kafka Streams threads of this instance ({@code num.stream.threads})
 * @param standbyReplicas warm copies of each store on other instances ({@code
 *     num.standby.replicas})
 * @param stateDir where Streams keeps its task directories; empty = a fresh temporary directory,
 *     removed on a clean stop (the stores are in memory and restored from their changelogs)
 * @param instanceId static group membership id, if any
 * @param sessionTimeout how long the group waits for a silent instance before moving its tasks
 * @param metricsHost address the operations endpoint binds to
 * @param metricsPort its port; 0 picks a free port, -1 disables it
 */
public record AlerterConfig(
    Duration tickInterval,
    int streamThreads,
    int standbyReplicas,
    Optional<Path> stateDir,
    Optional<String> instanceId,
    Duration sessionTimeout,
    String metricsHost,
    int metricsPort) {

  public static final ConfigKey<Duration> TICK_INTERVAL =
      ConfigKey.of(
          "alerter.tick-interval",
          "5s",
          "How often the alerter judges every target at the wall clock (a silent location, the end of a window or of flapping"
              + " is noticed within this).",
          Parser.duration(Duration.ofMillis(100), Duration.ofMinutes(10)));
  public static final ConfigKey<Integer> STREAM_THREADS =
      ConfigKey.of(
          "alerter.stream-threads",
          "1",
          "Kafka Streams threads of this alerter instance (num.stream.threads); tasks (one per partition of the results"
              + " topic) are spread over all threads of all instances.",
          Parser.intInRange(1, 64));
  public static final ConfigKey<Integer> STANDBY_REPLICAS =
      ConfigKey.of(
          "alerter.standby-replicas",
          "0",
          "Warm copies of each alerter store kept on other instances (num.standby.replicas): a dead instance's tasks then"
              + " resume without replaying their changelogs.",
          Parser.intInRange(0, 10));
  public static final ConfigKey<String> STATE_DIR =
      ConfigKey.optional(
          "alerter.state-dir",
          "Directory of Kafka Streams' task state (state.dir), one per running instance; default a new temporary directory"
              + " removed on a clean stop (the stores are in memory and restored from their changelog topics).",
          Parser.nonBlank());
  public static final ConfigKey<String> INSTANCE_ID =
      ConfigKey.optional(
          "alerter.instance-id",
          "Static consumer group membership (e.g. the pod name of a StatefulSet): a restarted instance with the same id gets"
              + " its tasks back at once, without a rebalance. Unique per running instance.",
          Parser.kafkaName());
  public static final ConfigKey<Duration> SESSION_TIMEOUT =
      ConfigKey.of(
          "alerter.session-timeout",
          "10s",
          "How long the group waits for an alerter that stopped answering before moving its tasks to the others (the"
              + " brokers must allow it: group.min.session.timeout.ms, default 6s).",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(30)));
  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "alerter.metrics-host",
          "0.0.0.0",
          "Address the operations endpoint of webmon alerter (/metrics, /health, /ready) binds to.",
          Parser.host());
  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "alerter.metrics-port",
          "9467",
          "Port of the operations endpoint of webmon alerter: /metrics (Prometheus), /health (liveness), /ready (readiness);"
              + " 0 picks a free port (logged at start), -1 disables the endpoint.",
          Parser.intInRange(-1, 65_535));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          TICK_INTERVAL,
          STREAM_THREADS,
          STANDBY_REPLICAS,
          STATE_DIR,
          INSTANCE_ID,
          SESSION_TIMEOUT,
          METRICS_HOST,
          METRICS_PORT);

  public AlerterConfig {
    Objects.requireNonNull(tickInterval, "tickInterval");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(metricsHost, "metricsHost");
    if (streamThreads < 1) {
      throw new ConfigException("'" + STREAM_THREADS.name() + "' must be at least 1.");
    }
    if (standbyReplicas < 0) {
      throw new ConfigException("'" + STANDBY_REPLICAS.name() + "' must be at least 0.");
    }
    if (metricsPort < -1 || metricsPort > 65_535) {
      throw new ConfigException("'" + METRICS_PORT.name() + "': expected -1 (off), 0 (any free port) or 1-65535.");
    }
  }

  /** Reads and validates the alerter settings; fails naming the key. */
  public static AlerterConfig from(Settings s) {
    return new AlerterConfig(
        s.get(TICK_INTERVAL),
        s.get(STREAM_THREADS),
        s.get(STANDBY_REPLICAS),
        s.find(STATE_DIR).map(Path::of),
        s.find(INSTANCE_ID),
        s.get(SESSION_TIMEOUT),
        s.get(METRICS_HOST),
        s.get(METRICS_PORT));
  }

  /** The defaults, with some keys overridden (tests, standalone). */
  public static AlerterConfig defaults(Map<String, String> overrides) {
    return from(Settings.of(overrides));
  }
}
