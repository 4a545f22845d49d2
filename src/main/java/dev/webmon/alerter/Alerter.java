package dev.webmon.alerter;

import dev.webmon.WebmonException;
import dev.webmon.config.Durations;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.ops.Check;
import dev.webmon.ops.Health;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running alerter: the {@link AlerterTopology} in a {@link KafkaStreams} client with
 * application id {@code <prefix>-alerter} and {@code exactly_once_v2}. Instances with the same
 * prefix split the tasks (one per partition of the results topic); a dead instance's tasks move to
 * the others, which restore the stores from their changelogs. A stream thread that dies of an
 * unexpected error is replaced. Start with {@link #start}; {@link #close()} leaves the group and
 * stops. Thread-safe.
 */
public final class Alerter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Alerter.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final Optional<Path> temporaryStateDir;
  private final String applicationId;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Counter threadsReplaced;
  private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

  private Alerter(
      KafkaStreams streams, Optional<Path> temporaryStateDir, String applicationId, MeterRegistry registry) {
    this.streams = streams;
    this.temporaryStateDir = temporaryStateDir;
    this.applicationId = applicationId;
    registry.config().meterFilter(new KafkaMeterNames());
    this.threadsReplaced =
        Counter.builder("webmon.alerter.stream.threads.replaced")
            .description("Stream threads that died of an unexpected error and were replaced")
            .register(registry);
    Gauge.builder("webmon.alerter.running", this, a -> a.state == KafkaStreams.State.RUNNING ? 1 : 0)
        .description("1 while the Kafka Streams client is RUNNING (processing), 0 while it rebalances, restores or stops")
        .register(registry);
    Gauge.builder("webmon.alerter.active.tasks", this, a -> a.taskCounts()[0])
        .description("Active tasks (partitions of the results topic) this instance processes")
        .register(registry);
    Gauge.builder("webmon.alerter.standby.tasks", this, a -> a.taskCounts()[1])
        .description("Standby tasks (warm store copies) this instance keeps")
        .register(registry);
    this.streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
  }

  /**
   * Starts an alerter: checks that the topics exist (bounded by {@code kafka.request-timeout}),
   * then starts the Streams client; it joins the group and processes in the background.
   *
   * @param clock the wall clock of the punctuation (silence, windows)
   * @param registry receives the alerter's own meters and Kafka Streams' client metrics; give the
   *     alerter a registry of its own (it adds a filter for the Kafka client metric names)
   * @throws WebmonException naming what is missing when Kafka is unreachable or the topics do not
   *     exist
   */
  public static Alerter start(
      KafkaConfig kafka, TopicsConfig topics, AlerterConfig config, Clock clock, MeterRegistry registry) {
    int brokers = verifyTopics(kafka, topics);
    Optional<Path> temporary = config.stateDir().isPresent() ? Optional.empty() : Optional.of(temporaryStateDir());
    Path stateDir = config.stateDir().orElseGet(temporary::orElseThrow);
    String applicationId = applicationId(topics);
    Properties props = streamsProperties(kafka, topics, config, stateDir, brokers);
    KafkaStreams streams;
    try {
      streams = new KafkaStreams(AlerterTopology.build(topics, clock, config.tickInterval()), props);
    } catch (RuntimeException e) {
      temporary.ifPresent(Alerter::deleteTree);
      throw new WebmonException("cannot create the alerter's Kafka Streams client: " + e.getMessage(), e);
    }
    Alerter alerter = new Alerter(streams, temporary, applicationId, registry);
    streams.setStateListener(alerter::stateChanged);
    streams.setUncaughtExceptionHandler(alerter::uncaught);
    streams.start();
    LOG.info(
        "Alerter starting: application {}, {} -> {}, {} stream thread(s), {} standby replica(s), tick {}, state in {}",
        applicationId,
        topics.results(),
        topics.incidents(),
        config.streamThreads(),
        config.standbyReplicas(),
        Durations.format(config.tickInterval()),
        stateDir);
    return alerter;
  }

  /** {@code <prefix>-alerter}: the Streams application id, consumer group and internal topic prefix. */
  public static String applicationId(TopicsConfig topics) {
    return topics.prefix() + "-alerter";
  }

  static Properties streamsProperties(
      KafkaConfig kafka, TopicsConfig topics, AlerterConfig config, Path stateDir, int brokers) {
    Properties p = new Properties();
    p.putAll(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(topics));
    p.put(StreamsConfig.CLIENT_ID_CONFIG, KafkaConfig.clientId(applicationId(topics)));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // The global stores' processors (policies, maintenance) get the same (default, log-and-fail)
    // processing exception handler as the tasks; Kafka 4.3 warns at start without it and makes it
    // the default in 5.0. Their own decode errors are skipped by GlobalKeeper before any handler.
    // The main consumer's partition assignor rebuilds a StreamsConfig from the consumer's settings
    // (Kafka 4.3.1, AssignorConfiguration), so it gets the setting too, or it warns once more.
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
    // Changelogs and repartition topics get the replication webmon's own topics get.
    p.put(
        StreamsConfig.REPLICATION_FACTOR_CONFIG,
        topics.replicationFactor() > 0 ? topics.replicationFactor() : Math.min(3, brokers));
    int session = Math.toIntExact(config.sessionTimeout().toMillis());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), session);
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), Math.min(1000, session / 3));
    config.instanceId().ifPresent(id -> p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    return p;
  }

  private void stateChanged(KafkaStreams.State newState, KafkaStreams.State oldState) {
    state = newState;
    if (newState == KafkaStreams.State.ERROR) {
      LOG.error("Alerter {}: {} -> {}; it no longer processes (see the errors above)", applicationId, oldState, newState);
    } else {
      LOG.info("Alerter {}: {} -> {}", applicationId, oldState, newState);
    }
    if (newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.ERROR) {
      stopped.countDown();
    }
  }

  private StreamThreadExceptionResponse uncaught(Throwable error) {
    threadsReplaced.increment();
    LOG.error("An alerter stream thread died; replacing it (its tasks restart from the last commit)", error);
    return StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  /**
   * The alerter's figures in its health report.
   *
   * @param state the Kafka Streams client state (CREATED, REBALANCING, RUNNING, ...)
   * @param streamThreads stream threads alive
   * @param activeTasks tasks processed here
   * @param standbyTasks warm store copies kept here
   */
  public record Details(String state, int streamThreads, int activeTasks, int standbyTasks) {}

  /**
   * Live unless the Streams client failed or is stopping ({@code ERROR}, {@code PENDING_ERROR},
   * {@code PENDING_SHUTDOWN}, {@code NOT_RUNNING}); ready while it is {@code RUNNING} (not
   * rebalancing or restoring). Any thread.
   */
  public Health health() {
    KafkaStreams.State s = state;
    boolean live =
        switch (s) {
          case ERROR, PENDING_ERROR, PENDING_SHUTDOWN, NOT_RUNNING -> false;
          default -> true;
        };
    int[] tasks = taskCounts();
    Check streamsCheck =
        s == KafkaStreams.State.RUNNING
            ? Check.ok("streams", "RUNNING with " + tasks[0] + " active task(s)")
            : Check.failed(
                "streams",
                switch (s) {
                  case CREATED, REBALANCING -> s + ": joining the group or restoring stores; not processing yet";
                  default -> s + ": not processing";
                });
    return Health.of("alerter", live, List.of(streamsCheck), new Details(s.name(), tasks[2], tasks[0], tasks[1]));
  }

  /** The Streams client state now. */
  public KafkaStreams.State state() {
    return state;
  }

  /** Active and standby task counts and live stream threads of this instance. */
  private int[] taskCounts() {
    int active = 0;
    int standby = 0;
    int threads = 0;
    KafkaStreams.State s = state;
    if (s == KafkaStreams.State.RUNNING || s == KafkaStreams.State.REBALANCING) {
      try {
        for (ThreadMetadata t : streams.metadataForLocalThreads()) {
          threads++;
          active += t.activeTasks().size();
          standby += t.standbyTasks().size();
        }
      } catch (IllegalStateException e) {
        return new int[] {0, 0, 0}; // it began to stop since the state was read
      }
    }
    return new int[] {active, standby, threads};
  }

  /** Waits until the client has stopped (after {@link #close()}) or failed ({@code ERROR}). */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the client failed for good ({@code ERROR}: every thread gone, nothing processed). */
  public boolean failed() {
    return state == KafkaStreams.State.ERROR;
  }

  /**
   * Commits what was processed, leaves the group (the others take the tasks over at once) and
   * stops; removes a temporary state directory. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long start = System.nanoTime();
    boolean clean =
        streams.close(
            CloseOptions.timeout(CLOSE_TIMEOUT).withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    streamsMetrics.close();
    temporaryStateDir.ifPresent(Alerter::deleteTree);
    if (clean) {
      LOG.info("Alerter stopped in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    } else {
      LOG.warn("Alerter did not stop within {}", Durations.format(CLOSE_TIMEOUT));
    }
    stopped.countDown();
  }

  /**
   * Fails clearly, within the request timeout, when Kafka is unreachable or a topic is missing,
   * rather than letting Streams wait for them. Returns the number of brokers.
   */
  static int verifyTopics(KafkaConfig kafka, TopicsConfig topics) {
    List<String> needed =
        List.of(topics.results(), topics.targets(), topics.incidents(), topics.incidentCommands(), topics.alertPolicies(),
            topics.maintenance());
    Map<String, Object> props = new java.util.HashMap<>(kafka.clientProperties());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, applicationId(topics) + "-verify");
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
    long timeoutMs = kafka.requestTimeout().toMillis();
    // A topic created a moment ago (init just ran) may not be in this broker's metadata yet.
    long missingDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (Admin admin = Admin.create(props)) {
      while (true) {
        try {
          admin.describeTopics(needed).allTopicNames().get(timeoutMs, TimeUnit.MILLISECONDS);
          return admin.describeCluster().nodes().get(timeoutMs, TimeUnit.MILLISECONDS).size();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > missingDeadline) {
            throw e;
          }
          Thread.sleep(200); // retry backoff, not synchronisation
        }
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw new WebmonException("a topic of " + needed + " does not exist; run 'webmon init' first.");
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(kafka, cause);
      }
      String hint = kafka.failureHint(cause).map(h -> " " + h).orElse("");
      throw new WebmonException("cannot reach Kafka at " + kafka.bootstrapServers() + ": " + cause + hint, cause);
    } catch (TimeoutException e) {
      throw unreachable(kafka, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("interrupted while checking the topics", e);
    }
  }

  private static WebmonException unreachable(KafkaConfig kafka, Throwable cause) {
    return new WebmonException(
        "cannot reach Kafka at " + kafka.bootstrapServers() + " within " + Durations.format(kafka.requestTimeout())
            + " (kafka.request-timeout). Is the cluster running and kafka.bootstrap-servers/kafka.security-protocol right?",
        cause);
  }

  private static Path temporaryStateDir() {
    try {
      return Files.createTempDirectory("webmon-alerter-");
    } catch (IOException e) {
      throw new WebmonException(
          "cannot create a temporary state directory for the alerter (set alerter.state-dir): " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not remove the alerter's temporary state directory {}: {}", dir, e.toString());
    }
  }
}
