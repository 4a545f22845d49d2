package dev.webmon.agent;

import dev.webmon.WebmonException;
import dev.webmon.check.Checker;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
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
 * → {@link ResultPublisher} (Kafka producer); {@link MaintenanceFeed} (its own consumer thread)
 * keeps the {@link MaintenanceMarker} that flags results in maintenance. Start with {@link #start}; {@link #close()} stops
 * cleanly: leaves the group, lets running checks finish and flushes the producer.
 *
 * <p>Thread-safe.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
  private static final Duration STALE_POLL = Duration.ofSeconds(30);
  /** How long a start waits for the maintenance windows before checking anyway. */
  static final Duration MAINTENANCE_LOAD = Duration.ofSeconds(10);

  private final AgentConfig config;
  private final InstantSource clock;
  private final String targetsTopic;
  private final AgentMetrics metrics;
  private final Scheduler<TargetSpec> scheduler;
  private final CheckRunner runner;
  private final ResultPublisher publisher;
  private final TargetTable table;
  private final TargetFeed feed;
  private final Thread pollThread;
  private final CountDownLatch pollStopped = new CountDownLatch(1);
  private final MaintenanceMarker marker;
  private final MaintenanceFeed maintenanceFeed;
  private final Thread maintenanceThread;
  private final CountDownLatch maintenanceStopped = new CountDownLatch(1);
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean pollFailing;
  private boolean closed;

  private Agent(
      KafkaConfig kafka, TopicsConfig topics, AgentConfig config, Checker checker, InstantSource clock, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.targetsTopic = topics.targets();
    registry.config().commonTags("location", config.location(), "agent", config.agentId());
    this.metrics = new AgentMetrics(registry);
    EventCodec codec = new EventCodec();
    this.publisher = ResultPublisher.create(kafka, config, topics.results(), codec, metrics);
    this.scheduler = new Scheduler<>(clock, this::dispatch);
    this.marker = new MaintenanceMarker();
    this.maintenanceFeed =
        new MaintenanceFeed(
            new KafkaConsumer<>(MaintenanceFeed.consumerProperties(kafka, config)), topics.maintenance(), codec, marker, metrics);
    this.maintenanceThread = Thread.ofPlatform().name("webmon-agent-maintenance").unstarted(this::maintenanceLoop);
    // The flag is judged right after the check, at the result's own startedAt.
    Checker marking = (target, scheduledAt) -> marker.mark(target, checker.check(target, scheduledAt));
    this.runner = new CheckRunner(marking, publisher, config.maxConcurrency(), clock, metrics, scheduler::isCurrent);
    metrics.skippedBehind(scheduler, s -> s.missedSlots());
    this.table = new TargetTable(scheduler, codec, metrics, config.assignmentSpread());
    this.feed =
        new TargetFeed(
            new KafkaConsumer<>(TargetFeed.consumerProperties(kafka, config)), topics.targets(), table, metrics, clock);
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
   * @param registry where the agent's meters go; it gets the common tags {@code location} and
   *     {@code agent}, so give the agent a registry of its own
   */
  public static Agent start(
      KafkaConfig kafka, TopicsConfig topics, AgentConfig config, Checker checker, InstantSource clock, MeterRegistry registry) {
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(registry, "registry");
    verifyTopics(kafka, topics);
    Agent agent = new Agent(kafka, topics, config, checker, clock, registry);
    agent.loadMaintenance();
    agent.scheduler.start();
    agent.feed.subscribe();
    agent.pollThread.start();
    log.info(
        "agent {} started: location {}, group {}, topic {} -> {}, {} concurrent checks, {} protocol{}",
        config.agentId(),
        config.location(),
        config.groupId(),
        topics.targets(),
        topics.results(),
        config.maxConcurrency(),
        config.groupProtocol().name().toLowerCase(Locale.ROOT),
        config.groupProtocol() == AgentConfig.GroupProtocol.CLASSIC
            ? " (session timeout " + config.sessionTimeout().toMillis() + " ms)"
            : "");
    return agent;
  }

  /**
   * Starts following the maintenance topic and waits up to {@link #MAINTENANCE_LOAD} for the
   * windows that exist, so the first results after a start are flagged like the later ones; if
   * they cannot be read in time the agent checks anyway and flags with what it knows so far
   * (docs/architecture.md, Agent, "Maintenance").
   */
  private void loadMaintenance() {
    maintenanceThread.start();
    try {
      if (!maintenanceFeed.awaitLoaded(MAINTENANCE_LOAD)) {
        log.warn(
            "the maintenance windows were not read within {} s; checking anyway, results are flagged maintenance once they are",
            MAINTENANCE_LOAD.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("interrupted while reading the maintenance windows", e);
    }
  }

  private void maintenanceLoop() {
    try {
      while (running) {
        try {
          if (!maintenanceFeed.runOnce(POLL_TIMEOUT)) {
            stopping.await(5, TimeUnit.SECONDS); // the topic is missing: ask again later
          }
        } catch (WakeupException e) {
          // close() asked us to stop.
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (RuntimeException e) {
          log.error("reading the maintenance topic failed; retrying in 1 s: {}", e.toString());
          try {
            if (stopping.await(1, TimeUnit.SECONDS)) {
              return;
            }
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    } finally {
      try {
        maintenanceFeed.close();
      } catch (RuntimeException e) {
        log.warn("closing the maintenance consumer failed: {}", e.toString());
      }
      maintenanceStopped.countDown();
    }
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

  /**
   * The agent's figures in its health report.
   *
   * @param assignedPartitions partitions of the targets topic held now
   * @param targets targets scheduled now
   * @param lastPoll when the targets consumer's last poll returned
   */
  public record Details(
      String location,
      String agentId,
      int assignedPartitions,
      int targets,
      int checksInFlight,
      int checksQueued,
      Instant lastPoll) {}

  /**
   * Live while the poll loop runs and has polled within the last 30 s and the scheduler's timer
   * is not {@linkplain Scheduler#stalled() stalled}; ready when, besides, its
   * polls succeed and it holds at least one partition of the targets topic (an agent beyond the
   * partition count stays unready: it has nothing to check). Built from the objects that own the
   * figures, not from the meters. Any thread.
   */
  public Health health() {
    Instant last = feed.lastPoll();
    long sinceMillis = Duration.between(last, clock.instant()).toMillis();
    boolean stalled = scheduler.stalled();
    boolean live = running && pollThread.isAlive() && sinceMillis < STALE_POLL.toMillis() && !stalled;
    int partitions = table.partitionNumbers().size();
    List<Check> checks =
        List.of(
            stalled
                ? Check.failed("scheduler", "the timer thread ended or has not completed an iteration for 30 s")
                : Check.ok("scheduler", "the timer runs"),
            pollFailing
                ? Check.failed("targets-topic", "reading " + targetsTopic + " fails (see the log); retrying")
                : live
                    ? Check.ok("targets-topic", "last poll of " + targetsTopic + " " + sinceMillis + " ms ago")
                    : Check.failed("targets-topic", "no poll of " + targetsTopic + " for " + sinceMillis + " ms"),
            partitions > 0
                ? Check.ok("assignment", partitions + " partition(s) of " + targetsTopic)
                : Check.failed("assignment", "no partition of " + targetsTopic + " assigned"));
    Details details =
        new Details(
            config.location(), config.agentId(), partitions, scheduler.size(), runner.inFlight(), runner.queued(), last);
    return Health.of("agent", live, checks, details);
  }

  public AgentConfig config() {
    return config;
  }

  AgentMetrics metrics() {
    return metrics;
  }

  /** Maintenance windows known now. */
  int maintenanceWindowCount() {
    return marker.windowCount();
  }

  /** Partitions of the targets topic held now. */
  public int assignedPartitions() {
    return table.partitionNumbers().size();
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
    stopping.countDown();
    feed.wakeup();
    maintenanceFeed.wakeup();
    try {
      if (!pollStopped.await(15, TimeUnit.SECONDS)) {
        log.warn("the targets consumer did not stop within 15 s");
      }
      if (!maintenanceStopped.await(10, TimeUnit.SECONDS)) {
        log.warn("the maintenance consumer did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.close();
    Duration budget = config.shutdownTimeout();
    runner.stop(budget);
    Duration left = budget.minusNanos(System.nanoTime() - start);
    publisher.close(left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left);
    log.info(
        "agent {} stopped in {} ms; {} result(s) published, {} undeliverable",
        config.agentId(),
        (System.nanoTime() - start) / 1_000_000,
        (long) metrics.publishedCount(),
        (long) metrics.publishErrorCount());
  }
}
