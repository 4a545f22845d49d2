package dev.webmon.agent;

import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.Parser;
import dev.webmon.config.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of {@code webmon agent}: where it runs, how many checks it runs at once, how it takes
 * part in its location's consumer group and how it publishes results.
 *
 * @param location the location name; the consumer group is {@code webmon-agent.<location>}
 * @param agentId this process's id in results and client ids
 * @param maxConcurrency checks running at the same time, at most
 * @param metricsHost address the metrics/health endpoint binds to
 * @param metricsPort port of the metrics/health endpoint; 0 picks a free port, -1 disables it
 * @param groupProtocol CLASSIC (client-side session timeout) or CONSUMER (KIP-848, broker-side)
 * @param sessionTimeout classic protocol: how long the group waits for a silent agent
 * @param heartbeatInterval classic protocol: how often an agent tells the group it is alive
 * @param assignmentSpread targets of a newly assigned partition get their first check within this
 *     window (spread by a hash of the id), then run on their phase
 * @param linger how long the producer waits to batch results
 * @param compression compression of result batches
 * @param deliveryTimeout how long the producer retries one result before counting it as failed
 * @param shutdownTimeout how long a clean stop waits for running checks and the final flush
 */
public record AgentConfig(
    String location,
    String agentId,
    int maxConcurrency,
    String metricsHost,
    int metricsPort,
    GroupProtocol groupProtocol,
    Duration sessionTimeout,
    Duration heartbeatInterval,
    Duration assignmentSpread,
    Duration linger,
    Compression compression,
    Duration deliveryTimeout,
    Duration shutdownTimeout) {

  /** Consumer group protocols. */
  public enum GroupProtocol {
    CLASSIC,
    CONSUMER
  }

  /** Producer compression codecs. */
  public enum Compression {
    LZ4,
    ZSTD,
    SNAPPY,
    GZIP,
    NONE;

    String kafkaName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final String LOCATION_PATTERN = "[a-zA-Z0-9_-]{1,64}";
  private static final String ID_PATTERN = "[a-zA-Z0-9_.:@-]{1,128}";

  public static final ConfigKey<String> LOCATION =
      ConfigKey.optional(
          "agent.location",
          "Name of the location this agent checks from (required for webmon agent), e.g. eu-west; agents of one location share the work, every location checks every target.",
          name("location", LOCATION_PATTERN, "1-64 letters, digits, '_' or '-'"));
  public static final ConfigKey<String> ID =
      ConfigKey.optional(
          "agent.id",
          "Id of this agent in results and logs; default <hostname>-<pid>.",
          name("agent id", ID_PATTERN, "1-128 letters, digits, '_', '.', ':', '@' or '-'"));
  public static final ConfigKey<Integer> MAX_CONCURRENCY =
      ConfigKey.of(
          "agent.max-concurrency",
          "256",
          "Checks running at the same time, at most; a check due while all slots are busy waits and its lateness shows in webmon_agent_check_lateness_seconds.",
          Parser.intInRange(1, 100_000));
  public static final ConfigKey<String> METRICS_HOST =
      ConfigKey.of(
          "agent.metrics-host",
          "0.0.0.0",
          "Address the operations endpoint (/metrics, /health, /ready) binds to.",
          Parser.host());
  public static final ConfigKey<Integer> METRICS_PORT =
      ConfigKey.of(
          "agent.metrics-port",
          "9464",
          "Port of the operations endpoint: /metrics (Prometheus), /health (liveness), /ready (readiness); 0 picks a free port (logged at start), -1 disables the endpoint.",
          Parser.intInRange(-1, 65_535));
  public static final ConfigKey<GroupProtocol> GROUP_PROTOCOL =
      ConfigKey.of(
          "agent.group-protocol",
          "CLASSIC",
          "Consumer group protocol: CLASSIC (session timeout set by the agent, failover in about agent.session-timeout) or CONSUMER (KIP-848; the session timeout is a broker setting, 45s by default).",
          Parser.oneOf(GroupProtocol.class));
  public static final ConfigKey<Duration> SESSION_TIMEOUT =
      ConfigKey.of(
          "agent.session-timeout",
          "10s",
          "CLASSIC protocol: after this long without a heartbeat a dead agent's partitions move to the others (the brokers must allow it: group.min.session.timeout.ms, default 6s).",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(30)));
  public static final ConfigKey<Duration> HEARTBEAT_INTERVAL =
      ConfigKey.of(
          "agent.heartbeat-interval",
          "1s",
          "CLASSIC protocol: how often the agent heartbeats; at most a third of agent.session-timeout. Survivors learn of a rebalance within one interval.",
          Parser.duration(Duration.ofMillis(100), Duration.ofMinutes(10)));
  public static final ConfigKey<Duration> ASSIGNMENT_SPREAD =
      ConfigKey.of(
          "agent.assignment-spread",
          "1s",
          "When partitions are assigned (start, failover, scale-out) their targets get a first check spread over this window (by a hash of the id; never later than their phase), then run on their phase. Larger values smooth the start of an agent with many targets.",
          Parser.duration(Duration.ZERO, Duration.ofDays(1)));
  public static final ConfigKey<Duration> LINGER =
      ConfigKey.of(
          "agent.linger",
          "10ms",
          "How long the result producer waits to fill a batch (Kafka linger.ms).",
          Parser.duration(Duration.ZERO, Duration.ofSeconds(5)));
  public static final ConfigKey<Compression> COMPRESSION =
      ConfigKey.of(
          "agent.compression",
          "LZ4",
          "Compression of result batches.",
          Parser.oneOf(Compression.class));
  public static final ConfigKey<Duration> DELIVERY_TIMEOUT =
      ConfigKey.of(
          "agent.delivery-timeout",
          "2m",
          "How long the producer retries a result before it counts as undeliverable (logged and counted in webmon_agent_publish_errors_total); at least agent.linger + kafka.request-timeout.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofHours(1)));
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.of(
          "agent.shutdown-timeout",
          "30s",
          "On SIGTERM: how long to wait for running checks and for the producer to deliver what it holds.",
          Parser.duration(Duration.ofSeconds(1), Duration.ofMinutes(10)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          LOCATION,
          ID,
          MAX_CONCURRENCY,
          METRICS_HOST,
          METRICS_PORT,
          GROUP_PROTOCOL,
          SESSION_TIMEOUT,
          HEARTBEAT_INTERVAL,
          ASSIGNMENT_SPREAD,
          LINGER,
          COMPRESSION,
          DELIVERY_TIMEOUT,
          SHUTDOWN_TIMEOUT);

  public AgentConfig {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(metricsHost, "metricsHost");
    Objects.requireNonNull(groupProtocol, "groupProtocol");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(assignmentSpread, "assignmentSpread");
    Objects.requireNonNull(linger, "linger");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(deliveryTimeout, "deliveryTimeout");
    Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
    if (!location.matches(LOCATION_PATTERN)) {
      throw new ConfigException("'" + LOCATION.name() + "': expected 1-64 letters, digits, '_' or '-'.");
    }
    if (!agentId.matches(ID_PATTERN)) {
      throw new ConfigException("'" + ID.name() + "': expected 1-128 letters, digits, '_', '.', ':', '@' or '-'.");
    }
    if (maxConcurrency < 1) {
      throw new ConfigException("'" + MAX_CONCURRENCY.name() + "' must be at least 1.");
    }
    if (metricsPort < -1 || metricsPort > 65_535) {
      throw new ConfigException("'" + METRICS_PORT.name() + "': expected -1 (off), 0 (any free port) or 1-65535.");
    }
    if (heartbeatInterval.multipliedBy(3).compareTo(sessionTimeout) > 0) {
      throw new ConfigException(
          "'" + HEARTBEAT_INTERVAL.name() + "' (" + heartbeatInterval + ") must be at most a third of '"
              + SESSION_TIMEOUT.name() + "' (" + sessionTimeout + ").");
    }
  }

  /** Reads and validates the agent settings; fails naming the key. */
  public static AgentConfig from(Settings s) {
    String location =
        s.find(LOCATION)
            .orElseThrow(
                () ->
                    new ConfigException(
                        "'" + LOCATION.name() + "' is required: name the location this agent checks from (--location or "
                            + LOCATION.flag() + " or env " + LOCATION.envName() + ")."));
    return new AgentConfig(
        location,
        s.find(ID).orElseGet(AgentConfig::defaultId),
        s.get(MAX_CONCURRENCY),
        s.get(METRICS_HOST),
        s.get(METRICS_PORT),
        s.get(GROUP_PROTOCOL),
        s.get(SESSION_TIMEOUT),
        s.get(HEARTBEAT_INTERVAL),
        s.get(ASSIGNMENT_SPREAD),
        s.get(LINGER),
        s.get(COMPRESSION),
        s.get(DELIVERY_TIMEOUT),
        s.get(SHUTDOWN_TIMEOUT));
  }

  /** The consumer group of this agent's location. */
  public String groupId() {
    return "webmon-agent." + location;
  }

  /** {@code <hostname>-<pid>}, cleaned to the allowed characters. */
  static String defaultId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("agent");
    }
    String cleaned = host.replaceAll("[^a-zA-Z0-9._-]", "-");
    String pid = Long.toString(ProcessHandle.current().pid());
    int room = 128 - pid.length() - 1;
    if (cleaned.isEmpty()) {
      cleaned = "agent";
    }
    return (cleaned.length() > room ? cleaned.substring(0, room) : cleaned) + "-" + pid;
  }

  private static Parser<String> name(String what, String pattern, String accepts) {
    return Parser.described(
        text -> {
          String t = text.strip();
          if (!t.matches(pattern)) {
            throw new IllegalArgumentException("expected a " + what + " of " + accepts);
          }
          return t;
        },
        accepts);
  }
}
