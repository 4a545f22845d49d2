package dev.webmon.sink;

import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Settings of {@code webmon sink}: batching, storage retention and maintenance. The defaults were
 * chosen by measurement; see docs/benchmarks.md ("Sink") and docs/operations.md.
 *
 * @param groupId Kafka consumer group of the sink instances (also the key of their rows in {@code
 *     sink_offset})
 * @param batchMaxRecords a batch closes when it holds this many records
 * @param batchMaxBytes ... or this many bytes of record values
 * @param batchMaxLinger ... or when its first record waited this long
 * @param rawRetention raw results older than this are dropped, whole daily partitions at a time
 * @param rollupRetention hourly rollups older than this are deleted
 * @param partitionsAhead daily partitions created ahead of today
 * @param maintenanceInterval pause between two maintenance runs
 * @param maintenance whether this instance takes part in maintenance at all
 * @param rollupDelay an hour is rolled up once it ended this long ago
 * @param retryBackoffMax longest wait between two attempts while PostgreSQL is unavailable
 * @param instanceId static group membership id, if any
 * @param sessionTimeout how long the group waits for a silent instance before moving its partitions
 * @param metricsHost address the metrics/health endpoint of {@code webmon sink} binds to
 * @param metricsPort its port; 0 picks a free port, -1 disables it
 */
public record SinkConfig(
    String groupId,
    int batchMaxRecords,
    long batchMaxBytes,
    Duration batchMaxLinger,
    Duration rawRetention,
    Duration rollupRetention,
    int partitionsAhead,
    Duration maintenanceInterval,
    boolean maintenance,
    Duration rollupDelay,
    Duration retryBackoffMax,
    Optional<String> instanceId,
    Duration sessionTimeout,
    String metricsHost,
    int metricsPort) {

  public static final ConfigKey<String> GROUP_ID =
      ConfigKey.of(
          "sink.group-id",
          "webmon-sink",
          "Kafka consumer group of the sink instances; also keys their offsets in the sink_offset table.",
          Parser.kafkaName());
  public static final ConfigKey<Integer> BATCH_MAX_RECORDS =
      ConfigKey.of(
          "sink.batch-max-records",
          "5000",
          "A batch (one PostgreSQL transaction) closes when it holds this many records.",
          Parser.intInRange(1, 1_000_000));
  public static final ConfigKey<Long> BATCH_MAX_BYTES =
      ConfigKey.of(
          "sink.batch-max-bytes",
          "8MiB",
          "A batch closes when its record values add up to this many bytes.",
          Parser.bytes(1024, 1024L * 1024 * 1024));
  public static final ConfigKey<Duration> BATCH_MAX_LINGER =
      ConfigKey.of(
          "sink.batch-max-linger",
          "250ms",
          "A batch closes when its first record has waited this long (bounds the end-to-end latency).",
          Parser.duration(Duration.ofMillis(1), Duration.ofMinutes(1)));
  public static final ConfigKey<Duration> RAW_RETENTION =
      ConfigKey.of(
          "sink.raw-retention",
          "30d",
          "Raw check results older than this are dropped, one whole daily partition at a time.",
          Parser.duration(Duration.ofDays(1), Duration.ofDays(36_500)));
  public static final ConfigKey<Duration> ROLLUP_RETENTION =
      ConfigKey.of(
          "sink.rollup-retention",
          "400d",
          "Hourly rollups older than this are deleted; at least sink.raw-retention.",
          Parser.duration(Duration.ofDays(1), Duration.ofDays(36_500)));
  public static final ConfigKey<Integer> PARTITIONS_AHEAD =
      ConfigKey.of(
          "sink.partitions-ahead",
          "7",
          "Daily result partitions kept created ahead of today (UTC).",
          Parser.intInRange(1, 366));
  public static final ConfigKey<Duration> MAINTENANCE_INTERVAL =
      ConfigKey.of(
          "sink.maintenance-interval",
          "5m",
          "Pause between two storage maintenance runs (partitions, rollups, retention); one instance at a time runs them.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofDays(1)));
  public static final ConfigKey<Boolean> MAINTENANCE =
      ConfigKey.of(
          "sink.maintenance",
          "true",
          "Whether this sink instance takes part in storage maintenance (an advisory lock lets one run at a time).",
          Parser.bool());
  public static final ConfigKey<Duration> ROLLUP_DELAY =
      ConfigKey.of(
          "sink.rollup-delay",
          "10m",
          "An hour is rolled up once it ended this long ago; rows arriving later mark the hour for a recompute.",
          Parser.duration(Duration.ofMinutes(2), Duration.ofDays(1)));
  public static final ConfigKey<Duration> RETRY_BACKOFF_MAX =
      ConfigKey.of(
          "sink.retry-backoff-max",
          "30s",
          "Longest wait between two attempts while PostgreSQL is unavailable (the wait doubles from 500ms up to this).",
          Parser.duration(Duration.ofMillis(500), Duration.ofMinutes(10)));

  public static final ConfigKey<String> INSTANCE_ID =
      ConfigKey.optional(
          "sink.instance-id",
          "Static consumer group membership (e.g. the pod name of a StatefulSet): a restarted instance with the same id "
              + "gets its partitions back at once, without a rebalance. Unique per running instance.",
          Parser.kafkaName());
  public static final ConfigKey<Duration> SESSION_TIMEOUT =
      ConfigKey.of(
          "sink.session-timeout",
          "30s",
          "How long the consumer group waits for an instance that stopped answering before giving its partitions to others.",
          Parser.duration(Duration.ofSeconds(6), Duration.ofMinutes(30)));

  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "sink.metrics-host",
          "0.0.0.0",
          "Address the operations endpoint of webmon sink (/metrics, /health, /ready) binds to.",
          Parser.host());
  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "sink.metrics-port",
          "9465",
          "Port of the operations endpoint of webmon sink: /metrics (Prometheus), /health (liveness), /ready (readiness); 0 picks a free port (logged at start), "
              + "-1 disables the endpoint.",
          Parser.intInRange(-1, 65_535));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          GROUP_ID,
          BATCH_MAX_RECORDS,
          BATCH_MAX_BYTES,
          BATCH_MAX_LINGER,
          RAW_RETENTION,
          ROLLUP_RETENTION,
          PARTITIONS_AHEAD,
          MAINTENANCE_INTERVAL,
          MAINTENANCE,
          ROLLUP_DELAY,
          RETRY_BACKOFF_MAX,
          INSTANCE_ID,
          SESSION_TIMEOUT,
          METRICS_HOST,
          METRICS_PORT);

  public SinkConfig {
    if (rollupRetention.compareTo(rawRetention) < 0) {
      throw new ConfigException(
          "'" + ROLLUP_RETENTION.name() + "' must be at least '" + RAW_RETENTION.name()
              + "': rollups are computed from the raw results before those are dropped.");
    }
  }

  /** Reads and validates the sink settings; fails naming the key. */
  public static SinkConfig from(Settings s) {
    return new SinkConfig(
        s.get(GROUP_ID),
        s.get(BATCH_MAX_RECORDS),
        s.get(BATCH_MAX_BYTES),
        s.get(BATCH_MAX_LINGER),
        s.get(RAW_RETENTION),
        s.get(ROLLUP_RETENTION),
        s.get(PARTITIONS_AHEAD),
        s.get(MAINTENANCE_INTERVAL),
        s.get(MAINTENANCE),
        s.get(ROLLUP_DELAY),
        s.get(RETRY_BACKOFF_MAX),
        s.find(INSTANCE_ID),
        s.get(SESSION_TIMEOUT),
        s.get(METRICS_HOST),
        s.get(METRICS_PORT));
  }

  /** The defaults, with some keys overridden (tests, benches). */
  public static SinkConfig defaults(Map<String, String> overrides) {
    return from(Settings.of(overrides));
  }
}
