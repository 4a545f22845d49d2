package dev.webmon.agent;

import dev.webmon.WebmonException;
import dev.webmon.check.Checker;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.metrics.MetricsServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent runtime: follows the location's share of the targets topic, schedules and runs the
 * checks and publishes the results. Wiring: {@link TargetFeed} (consumer thread) → {@link
 * TargetTable} → {@link Scheduler} (timer thread) → {@link CheckRunner} (virtual-thread workers)
 * → {@link ResultPublisher} (Kafka producer). Start with {@link #start}; {@link #close()} stops
 * cleanly: leaves the group, lets running checks finish and flushes the producer.
 *
 * <p>Thread-safe.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration STALE_POLL = Duration.ofSeconds(30);

  private final AgentConfig config;
  private final InstantSource clock;
  private final PrometheusMeterRegistry registry;
  private final AgentMetrics metrics;
  private final Scheduler<TargetSpec> scheduler;
  private final CheckRunner runner;
  private final ResultPublisher publisher;
  private final TargetTable table;
  private final TargetFeed feed;
  private final Thread pollThread;
  private final CountDownLatch pollStopped = new CountDownLatch(1);
  private final MetricsServer metricsServer;
  private volatile boolean running = true;
  private volatile boolean pollFailing;
  private boolean closed;

  private Agent(KafkaConfig kafka, TopicsConfig topics, AgentConfig config, Checker checker, InstantSource clock) {
    this.config = config;
    this.clock = clock;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("location", config.location(), "agent", config.agentId());
    this.metrics = new AgentMetrics(registry);
    EventCodec codec = new EventCodec();
    this.publisher = ResultPublisher.create(kafka, config, topics.results(), codec, metrics);
    this.scheduler = new Scheduler<>(clock, this::dispatch);
    this.runner = new CheckRunner(checker, publisher, config.maxConcurrency(), clock, metrics, scheduler::isCurrent);
    metrics.skippedBehind(scheduler, s -> s.missedSlots());
    this.table = new TargetTable(scheduler, codec, metrics, config.assignmentSpread());
    this.feed =
        new TargetFeed(
            new KafkaConsumer<>(TargetFeed.consumerProperties(kafka, config)), topics.targets(), table, metrics, clock);
    this.metricsServer =
        config.metricsPort() < 0
            ? null
            : MetricsServer.start(config.metricsHost(), config.metricsPort(), registry, this::health);
    this.pollThread = Thread.ofPlatform().name("webmon-agent-poll").unstarted(this::pollLoop);
  }

  private void dispatch(String id, TargetSpec target, Instant scheduledAt) {
    runner.dispatch(id, target, scheduledAt);
  }

  /**
   * Starts an agent: joins the group {@code webmon-agent.<location>} on the targets topic and
   * starts checking what it is assigned.
   *
   * @param checker runs one check; its results must carry this agent's location and id
   */
  public static Agent start(KafkaConfig kafka, TopicsConfig topics, AgentConfig config, Checker checker, InstantSource clock) {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(clock, "clock");
    verifyTopics(kafka, topics);
    Agent agent = new Agent(kafka, topics, config, checker, clock);
    agent.scheduler.start();
    agent.feed.subscribe();
    agent.pollThread.start();
    log.info(
        "agent {} started: location {}, group {}, topic {} -> {}, {} concurrent checks, {} protocol{}{}",
        config.agentId(),
        config.location(),
        config.groupId(),
        topics.targets(),
        topics.results(),
        config.maxConcurrency(),
        config.groupProtocol().name().toLowerCase(Locale.ROOT),
        config.groupProtocol() == AgentConfig.GroupProtocol.CLASSIC
            ? " (session timeout " + config.sessionTimeout().toMillis() + " ms)"
            : "",
        agent.metricsPort().map(p -> ", metrics on http://" + config.metricsHost() + ":" + p + "/metrics").orElse(""));
    return agent;
  }

  /** Fails clearly if the topics are missing, rather than waiting silently for them. */
  private static void verifyTopics(KafkaConfig kafka, TopicsConfig topics) {
    // A topic created a moment ago (init just ran) may not be in this broker's metadata yet:
    // ask again for a few seconds before calling it missing.
    long missingDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      while (true) {
        try {
          admin
              .describeTopics(List.of(topics.targets(), topics.results()))
              .allTopicNames()
              .get(kafka.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
          return;
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > missingDeadline) {
            throw e;
          }
          Thread.sleep(200); // retry backoff, not synchronisation
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new WebmonException(
            "topic " + topics.targets() + " or " + topics.results() + " does not exist; run 'webmon init' first.");
      }
      throw new WebmonException("cannot reach Kafka at " + kafka.bootstrapServers() + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new WebmonException(
          "cannot reach Kafka at " + kafka.bootstrapServers() + " within " + kafka.requestTimeout().toMillis() + " ms.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("interrupted while checking the topics", e);
    }
  }

  private void pollLoop() {
    try {
      while (running) {
        try {
          feed.runOnce(POLL_TIMEOUT);
          pollFailing = false;
        } catch (WakeupException e) {
          // close() asked us to stop.
        } catch (RuntimeException e) {
          // The client retries transient errors itself; anything else (e.g. authorization) is
          // reported through /health and retried after a pause rather than ending the process.
          pollFailing = true;
          log.error("reading the targets topic failed; retrying in 1 s: {}", e.toString());
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    } finally {
      try {
        feed.close();
      } catch (RuntimeException e) {
        log.warn("closing the targets consumer failed: {}", e.toString());
      }
      pollStopped.countDown();
    }
  }

  MetricsServer.Health health() {
    Instant last = feed.lastPoll();
    boolean polling = running && pollThread.isAlive() && !pollFailing
        && Duration.between(last, clock.instant()).compareTo(STALE_POLL) < 0;
    String json =
        "{\"status\":\"" + (polling ? "UP" : "DOWN") + "\""
            + ",\"location\":\"" + config.location() + "\""
            + ",\"agentId\":\"" + config.agentId() + "\""
            + ",\"assignedPartitions\":" + (int) registry.get("webmon.agent.assigned.partitions").gauge().value()
            + ",\"targets\":" + (int) registry.get("webmon.agent.targets").gauge().value()
            + ",\"checksInFlight\":" + runner.inFlight()
            + ",\"lastPoll\":\"" + last + "\"}";
    return new MetricsServer.Health(polling, json);
  }

  /** The bound metrics port, if the endpoint is enabled. */
  public Optional<Integer> metricsPort() {
    return Optional.ofNullable(metricsServer).map(MetricsServer::port);
  }

  public AgentConfig config() {
    return config;
  }

  /** Prometheus text of the agent's meters (what {@code /metrics} serves). */
  public String scrape() {
    return registry.scrape();
  }

  AgentMetrics metrics() {
    return metrics;
  }

  /** Partitions of the targets topic held now. */
  public int assignedPartitions() {
    return (int) registry.get("webmon.agent.assigned.partitions").gauge().value();
  }

  /** Partition numbers of the targets topic held now. */
  Set<Integer> partitions() {
    return table.partitionNumbers();
  }

  /** Targets scheduled now. */
  public int targetCount() {
    return scheduler.size();
  }

  /** Blocks until the agent stops (after {@link #close()} or a fatal error). */
  public void awaitStop() throws InterruptedException {
    pollStopped.await();
  }

  /**
   * Stops cleanly: leaves the group (its partitions move at once), stops scheduling, waits up to
   * {@code agent.shutdown-timeout} for running checks and delivers their results.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long start = System.nanoTime();
    log.info("agent {} stopping", config.agentId());
    running = false;
    feed.wakeup();
    try {
      if (!pollStopped.await(15, TimeUnit.SECONDS)) {
        log.warn("the targets consumer did not stop within 15 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.close();
    Duration budget = config.shutdownTimeout();
    runner.stop(budget);
    Duration left = budget.minusNanos(System.nanoTime() - start);
    publisher.close(left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left);
    if (metricsServer != null) {
      metricsServer.close();
    }
    log.info(
        "agent {} stopped in {} ms; {} result(s) published, {} undeliverable",
        config.agentId(),
        (System.nanoTime() - start) / 1_000_000,
        (long) metrics.publishedCount(),
        (long) metrics.publishErrorCount());
    registry.close();
  }
}
