package dev.webmon.sink;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.ops.ConsumerStanding;
import dev.webmon.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running sink: the consumer loop on its own thread ({@code webmon-sink}) and, when enabled,
 * storage maintenance on another ({@code webmon-sink-maintenance}, one instance at a time across
 * the fleet). Start with {@link #builder}; {@link #close()} writes the pending batch if it can and
 * stops. Thread-safe.
 */
public final class Sink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sink.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final HikariDataSource pool;
  private final HikariDataSource maintenancePool;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final SinkLoop loop;
  private final Thread thread;
  private final SinkMetrics metrics;
  private final ExecutorService writerThread;
  private final ScheduledExecutorService maintenance;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private volatile Throwable failure;

  /** Told about every committed batch. */
  @FunctionalInterface
  public interface CommitListener {
    /**
     * Called on the sink's thread after each commit; must be quick.
     *
     * @param rows results written by the batch
     * @param latenciesMillis per result of the batch: commit time minus its producer timestamp
     */
    void committed(int rows, long[] latenciesMillis);
  }

  /** Starts a sink. Not thread-safe. */
  public static final class Builder {
    private final KafkaConfig kafka;
    private final TopicsConfig topics;
    private final PostgresConfig postgres;
    private final SinkConfig config;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private CommitListener listener = (rows, latencies) -> {};
    private CopyEncoder.Format format = CopyEncoder.Format.BINARY;
    private InstantSource clock = InstantSource.system();

    private Builder(KafkaConfig kafka, TopicsConfig topics, PostgresConfig postgres, SinkConfig config) {
      this.kafka = kafka;
      this.topics = topics;
      this.postgres = postgres;
      this.config = config;
    }

    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    public Builder commitListener(CommitListener listener) {
      this.listener = listener;
      return this;
    }

    /** COPY in text instead of binary format (benchmarks compare both). */
    public Builder textCopy(boolean text) {
      this.format = text ? CopyEncoder.Format.TEXT : CopyEncoder.Format.BINARY;
      return this;
    }

    Builder clock(InstantSource clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Opens the PostgreSQL pools (failing fast, naming the URL, when PostgreSQL is unreachable),
     * creates the Kafka clients and starts the threads.
     */
    public Sink start() {
      return new Sink(this);
    }
  }

  public static Builder builder(KafkaConfig kafka, TopicsConfig topics, PostgresConfig postgres, SinkConfig config) {
    return new Builder(kafka, topics, postgres, config);
  }

  private Sink(Builder b) {
    SinkConfig config = b.config;
    this.pool = Database.pool(b.postgres, "sink");
    HikariDataSource mp = null;
    KafkaConsumer<byte[], byte[]> c = null;
    KafkaProducer<byte[], byte[]> p = null;
    try {
      if (config.maintenance()) {
        mp = Database.pool(b.postgres.withPoolSize(1), "sink-maintenance");
      }
      String clientId = KafkaConfig.clientId("webmon-sink");
      c = new KafkaConsumer<>(consumerProperties(b.kafka, config, clientId));
      p = new KafkaProducer<>(producerProperties(b.kafka, clientId + "-dlq"));
    } catch (RuntimeException e) {
      if (c != null) {
        c.close(CloseOptions.timeout(Duration.ZERO));
      }
      if (mp != null) {
        mp.close();
      }
      pool.close();
      throw e;
    }
    this.maintenancePool = mp;
    this.consumer = c;
    this.producer = p;
    this.metrics = new SinkMetrics(b.registry);
    DeadLetters deadLetters = new DeadLetters(producer, b.topics.dlq(), metrics);
    BatchWriter writer = new BatchWriter(pool, config.groupId(), b.format, config.rollupDelay(), deadLetters, b.clock);
    this.writerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "webmon-sink-writer");
              t.setDaemon(true);
              return t;
            });
    this.loop =
        new SinkLoop(
            new KafkaSinkConsumer(consumer),
            writer,
            writerThread,
            new EventCodec(),
            config,
            b.topics,
            metrics,
            b.clock,
            b.listener);
    this.thread = new Thread(this::run, "webmon-sink");
    if (maintenancePool != null) {
      StorageMaintenance job = new StorageMaintenance(maintenancePool, config, b.clock);
      this.maintenance =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "webmon-sink-maintenance");
                t.setDaemon(true);
                return t;
              });
      maintenance.scheduleWithFixedDelay(
          () -> runMaintenance(job), 0, config.maintenanceInterval().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      this.maintenance = null;
    }
    LOG.info(
        "Sink starting: group {}, topics {}, {} and {}, dead letters to {}, batches of up to {} records / {} bytes / {} ms{}",
        config.groupId(),
        b.topics.results(),
        b.topics.targets(),
        b.topics.incidents(),
        b.topics.dlq(),
        config.batchMaxRecords(),
        config.batchMaxBytes(),
        config.batchMaxLinger().toMillis(),
        config.maintenance() ? ", maintenance every " + config.maintenanceInterval().toSeconds() + " s" : "");
    thread.start();
  }

  private void run() {
    try {
      loop.subscribe();
      while (!closing) {
        loop.runOnce();
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (Throwable t) {
      failure = t;
      LOG.error("Sink stopped by an unexpected error", t);
    } finally {
      try {
        if (failure == null) {
          loop.flushOnce();
        }
      } catch (RuntimeException e) {
        LOG.warn("Final flush failed: {}", e.toString());
      }
      try {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      } catch (RuntimeException e) {
        LOG.warn("Closing the consumer failed: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  private static void runMaintenance(StorageMaintenance job) {
    try {
      job.runOnce();
    } catch (RuntimeException e) {
      LOG.warn("{}; retrying at the next maintenance run", e.getMessage());
    }
  }

  /** Whether the consumer loop still runs. */
  public boolean isRunning() {
    return stopped.getCount() > 0;
  }

  /** Whether PostgreSQL accepted the last attempt (false while the sink waits for it). */
  public boolean postgresAvailable() {
    return metrics.postgresAvailable();
  }

  /** The consumer's heartbeat, assignment and lag, from the Kafka client's metrics. Any thread. */
  public ConsumerStanding consumerStatus() {
    return ConsumerStanding.of(consumer.metrics());
  }

  /** The error that stopped the consumer loop, if one did. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Waits until the consumer loop has stopped (after {@link #close()} or an error). */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Writes the pending batch if PostgreSQL is available, leaves the group, and stops. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    consumer.wakeup();
    try {
      if (!stopped.await(CLOSE_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Sink thread did not stop within {}", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    writerThread.shutdown();
    try {
      if (!writerThread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Sink writer thread did not stop within {}", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (maintenance != null) {
      maintenance.shutdownNow();
      try {
        maintenance.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      maintenancePool.close();
    }
    producer.close(Duration.ofSeconds(10));
    pool.close();
    LOG.info("Sink stopped");
  }

  static Map<String, Object> consumerProperties(KafkaConfig kafka, SinkConfig config, String clientId) {
    // read_committed like the agents: records of aborted transactions never reach PostgreSQL.
    Map<String, Object> p = kafka.readCommittedConsumerProperties(config.groupId(), clientId);
    // The sink seeks every partition itself (stored offset, else the beginning); an offset out of
    // range (deleted by retention) must reach it, to be counted as lost, not be reset silently.
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Math.toIntExact(config.sessionTimeout().toMillis()));
    // Members learn of a rebalance from a heartbeat response: a short interval keeps a cooperative
    // rebalance (two rounds) within a few seconds.
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.toIntExact(Math.min(1000, config.sessionTimeout().toMillis() / 3)));
    config.instanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(config.batchMaxRecords(), 5000));
    // One fetch at a time per broker: a fetch parked on empty partitions (the targets topic) holds
    // back the results behind it for up to this long. 100 ms instead of 500 ms: faster start, lower
    // latency, and still only ~10 fetches/s per broker when idle.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    return p;
  }

  static Map<String, Object> producerProperties(KafkaConfig kafka, String clientId) {
    Map<String, Object> p = kafka.producerProperties(clientId);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
