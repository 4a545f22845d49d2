package dev.webmon.notifier;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.ops.ConsumerStanding;
import dev.webmon.store.Database;
import dev.webmon.store.Notifications;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * {@code webmon notifier}: the {@link IncidentConsumer} (Kafka to the PostgreSQL outbox) on its
 * own thread, and the dispatcher, which wakes when the consumer queued rows and otherwise polls the
 * outbox every {@link #DISPATCH_POLL} (the partial index {@code notification_pending}: rows queued
 * by other instances, retries coming due, grouping windows closing) and runs one virtual thread
 * per channel with due rows, at most {@code notifier.workers} at once ({@link Deliveries}). Any
 * number of instances may run: the consumer group shares the partitions, {@code SKIP LOCKED}
 * shares the channels. Thread-safe.
 */
public final class Notifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
  /** How often the dispatcher looks for due rows when nothing woke it. */
  public static final Duration DISPATCH_POLL = Duration.ofMillis(250);
  /** The consumer's {@code poll} time-out (it returns as soon as records arrive). */
  public static final Duration CONSUMER_POLL = IncidentConsumer.POLL;
  /** The consumer's {@code fetch.max.wait.ms}: how long the broker holds a fetch that has no records. */
  public static final Duration FETCH_MAX_WAIT = Duration.ofMillis(100);
  /** The consumer's {@code session.timeout.ms}; without a group heartbeat for this long, Kafka counts as unreachable. */
  static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration QUEUE_REFRESH = Duration.ofSeconds(5);

  private final HikariDataSource pool;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final IncidentConsumer loop;
  private final Deliveries deliveries;
  private final Escalations escalations;
  private final NotifierMetrics metrics;
  private final NotifierConfig config;
  private final Clock clock;
  private final Thread consumerThread;
  private final Thread dispatcherThread;
  private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore permits;
  private final Set<String> active = ConcurrentHashMap.newKeySet();
  /** Channels with due rows the dispatcher saw while their worker was still running (see {@link #dispatchOnce()}). */
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Object signal = new Object();
  private boolean woken;
  private volatile boolean closing;
  private volatile Throwable failure;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(2);
  private final String group;

  /** Builds a notifier; {@link #start()} connects and starts it. */
  public static final class Builder {
    private final KafkaConfig kafka;
    private final TopicsConfig topics;
    private final PostgresConfig postgres;
    private final NotifierConfig config;
    private AddressPolicy addresses = AddressPolicy.of(List.of());
    private MeterRegistry registry = new SimpleMeterRegistry();
    private Clock clock = Clock.systemUTC();

    private Builder(KafkaConfig kafka, TopicsConfig topics, PostgresConfig postgres, NotifierConfig config) {
      this.kafka = kafka;
      this.topics = topics;
      this.postgres = postgres;
      this.config = config;
    }

    /** Where channels may send ({@code check.allowed-networks}); by default no private address. */
    public Builder addressPolicy(AddressPolicy policy) {
      this.addresses = policy;
      return this;
    }

    public Builder meterRegistry(MeterRegistry r) {
      this.registry = r;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Notifier start() {
      return new Notifier(this);
    }
  }

  public static Builder builder(KafkaConfig kafka, TopicsConfig topics, PostgresConfig postgres, NotifierConfig config) {
    return new Builder(kafka, topics, postgres, config);
  }

  private Notifier(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    this.group = b.topics.prefix() + "-notifier";
    // A worker holds a connection while it sends; the consumer, the dispatcher and the gauges one each.
    this.pool = Database.pool(b.postgres.withPoolSize(Math.max(b.postgres.poolSize(), config.workers() + 3)), "notifier");
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      String clientId = KafkaConfig.clientId("webmon-notifier");
      c = new KafkaConsumer<>(consumerProperties(b.kafka, group, clientId));
      this.producer = new KafkaProducer<>(producerProperties(b.kafka, clientId + "-dlq"));
    } catch (RuntimeException e) {
      if (c != null) {
        c.close(CloseOptions.timeout(Duration.ZERO));
      }
      pool.close();
      throw e;
    }
    this.consumer = c;
    this.metrics = new NotifierMetrics(b.registry);
    this.permits = new Semaphore(config.workers());
    this.deliveries =
        new Deliveries(pool, new ChannelFactory(b.addresses, clock), config, Backoff.of(config), clock, metrics);
    this.escalations = new Escalations(pool, clock);
    this.loop =
        new IncidentConsumer(
            consumer, producer, pool, group, b.topics.incidents(), b.topics.dlq(), config, clock, metrics, this::wake,
            escalations::onTransition);
    this.consumerThread = new Thread(this::consume, "webmon-notifier-consumer");
    this.dispatcherThread = Thread.ofVirtual().name("webmon-notifier-dispatcher").unstarted(this::dispatch);
    LOG.info(
        "Notifier starting: group {}, topic {}, {} workers, group wait {} s, retries {} s to {} s, give up after {} s{}",
        group,
        b.topics.incidents(),
        config.workers(),
        config.groupWait().toSeconds(),
        config.retryInitial().toSeconds(),
        config.retryMax().toSeconds(),
        config.giveUpAfter().toSeconds(),
        config.adminChannel().map(a -> ", give-ups to channel " + a).orElse(""));
    consumerThread.start();
    dispatcherThread.start();
    escalations.start();
  }

  private void consume() {
    try {
      loop.subscribe();
      while (!closing) {
        loop.runOnce();
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (Throwable t) {
      failure = t;
      LOG.error("Notifier consumer stopped by an unexpected error", t);
    } finally {
      try {
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      } catch (RuntimeException e) {
        LOG.warn("Closing the consumer failed: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  /** Tells the dispatcher that rows were queued. */
  void wake() {
    synchronized (signal) {
      woken = true;
      signal.notifyAll();
    }
  }

  private void dispatch() {
    long nextRefresh = 0;
    try {
      while (!closing) {
        dispatchOnce();
        if (System.nanoTime() - nextRefresh >= 0) {
          refreshQueues();
          nextRefresh = System.nanoTime() + QUEUE_REFRESH.toNanos();
        }
        synchronized (signal) {
          if (!woken && !closing) {
            signal.wait(DISPATCH_POLL.toMillis());
          }
          woken = false;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      LOG.error("Notifier dispatcher stopped by an unexpected error", t);
    } finally {
      stopped.countDown();
    }
  }

  /** Starts a worker for every channel with due rows that has none here yet. */
  void dispatchOnce() {
    List<String> due;
    try (Connection c = pool.getConnection()) {
      due = Notifications.dueChannels(c, clock.instant());
    } catch (SQLException e) {
      metrics.postgres(false);
      LOG.debug("Outbox not readable: {}", e.toString());
      return;
    }
    for (String channel : due) {
      if (closing || !permits.tryAcquire()) {
        return;
      }
      // Marked before trying: a worker that found its queue empty and is exiting may not have
      // seen the rows just queued; it wakes the dispatcher again on its way out instead of
      // leaving them to the next DISPATCH_POLL.
      busy.add(channel);
      if (!active.add(channel)) {
        permits.release();
        continue;
      }
      busy.remove(channel);
      workers.execute(() -> work(channel));
    }
  }

  private void work(String channel) {
    try {
      while (!closing && deliveries.deliverOnce(channel)) {
        metrics.postgres(true);
      }
    } catch (SQLException | RuntimeException e) {
      metrics.postgres(false);
      LOG.warn("Delivery to channel {} interrupted: {}; retrying at the next dispatch", channel, e.toString());
    } finally {
      active.remove(channel);
      permits.release();
      if (busy.remove(channel)) {
        wake();
      }
    }
  }

  private void refreshQueues() {
    try (Connection c = pool.getConnection()) {
      metrics.queues(Notifications.queues(c), clock.instant());
    } catch (SQLException e) {
      LOG.debug("Queue figures not readable: {}", e.toString());
    }
  }

  /** Whether the consumer and the dispatcher still run. */
  public boolean isRunning() {
    return stopped.getCount() == 2 && failure == null;
  }

  /** Whether PostgreSQL answered the last transaction. */
  public boolean postgresAvailable() {
    return metrics.postgresAvailable();
  }

  /** The consumer's heartbeat, assignment and lag. Any thread. */
  public ConsumerStanding consumerStatus() {
    return ConsumerStanding.of(consumer.metrics());
  }

  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** Waits until the consumer or the dispatcher stopped (after {@link #close()} or an error). */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (isRunning() && System.nanoTime() < deadline) {
      stopped.await(Math.min(100, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }
    return !isRunning();
  }

  /** Stops consuming and dispatching, lets the deliveries in flight finish, and leaves the group. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closing = true;
    escalations.close();
    consumer.wakeup();
    wake();
    try {
      if (!stopped.await(CLOSE_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
        LOG.warn("Notifier threads did not stop within {}", CLOSE_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Deliveries in flight did not finish within {}; they are sent again by the next notifier", CLOSE_TIMEOUT);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(10));
    pool.close();
    LOG.info("Notifier stopped");
  }

  static Map<String, Object> consumerProperties(KafkaConfig kafka, String group, String clientId) {
    // read_committed: transitions of aborted alerter transactions are never notified.
    Map<String, Object> p = kafka.readCommittedConsumerProperties(group, clientId);
    // The notifier seeks every partition itself (PostgreSQL's stored offset, else the beginning).
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) SESSION_TIMEOUT.toMillis());
    p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1_000);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) FETCH_MAX_WAIT.toMillis());
    return p;
  }

  static Map<String, Object> producerProperties(KafkaConfig kafka, String clientId) {
    Map<String, Object> p = kafka.producerProperties(clientId);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }
}
