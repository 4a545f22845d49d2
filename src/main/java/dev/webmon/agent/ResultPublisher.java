package dev.webmon.agent;

import dev.webmon.config.ConfigException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results to the results topic, keyed by target id (per-target order), with an
 * idempotent producer and acks=all: the client retries until {@code agent.delivery-timeout}
 * without duplicating or reordering. A result that still cannot be delivered is counted in
 * {@code webmon_agent_publish_errors_total} and logged with its target id and the error (at most
 * {@value #LOG_LIMIT_PER_SECOND} lines a second; the rest are summarised), never dropped silently.
 *
 * <p>Thread-safe.
 */
final class ResultPublisher implements ResultHandler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultPublisher.class);
  static final int LOG_LIMIT_PER_SECOND = 10;

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final EventCodec codec;
  private final AgentMetrics metrics;
  private final BiConsumer<CheckResult, Throwable> undelivered;
  private final AtomicLong logWindow = new AtomicLong();
  private final AtomicInteger loggedInWindow = new AtomicInteger();
  private final AtomicInteger suppressed = new AtomicInteger();

  /**
   * @param undelivered told of each result that could not be delivered, after it is counted and
   *     logged; called on the producer's I/O thread or the publishing one, must be quick
   */
  ResultPublisher(
      Producer<String, byte[]> producer, String topic, EventCodec codec, AgentMetrics metrics, BiConsumer<CheckResult, Throwable> undelivered) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.codec = Objects.requireNonNull(codec, "codec");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.undelivered = Objects.requireNonNull(undelivered, "undelivered");
  }

  /** A publisher with its own Kafka producer configured from {@code kafka} and {@code agent}. */
  static ResultPublisher create(KafkaConfig kafka, AgentConfig agent, String topic, EventCodec codec, AgentMetrics metrics) {
    return new ResultPublisher(new KafkaProducer<>(producerProperties(kafka, agent)), topic, codec, metrics, (result, error) -> {});
  }

  static Map<String, Object> producerProperties(KafkaConfig kafka, AgentConfig agent) {
    Duration minDelivery = agent.linger().plus(kafka.requestTimeout());
    if (agent.deliveryTimeout().compareTo(minDelivery) < 0) {
      throw new ConfigException(
          "'" + AgentConfig.DELIVERY_TIMEOUT.name() + "' (" + agent.deliveryTimeout() + ") must be at least '"
              + AgentConfig.LINGER.name() + "' + '" + KafkaConfig.REQUEST_TIMEOUT.name() + "' (" + minDelivery + ").");
    }
    Map<String, Object> p = kafka.producerProperties("webmon-agent-" + agent.agentId());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, agent.compression().kafkaName());
    p.put(ProducerConfig.LINGER_MS_CONFIG, Math.toIntExact(agent.linger().toMillis()));
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.toIntExact(agent.deliveryTimeout().toMillis()));
    // send() blocks while metadata is unknown or the buffer is full; never longer than a delivery.
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(agent.deliveryTimeout().toMillis(), 60_000L));
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  @Override
  public void publish(CheckResult result) {
    String targetId = result.targetId();
    try {
      byte[] value = codec.encode(result);
      producer.send(
          new ProducerRecord<>(topic, targetId, value),
          (metadata, error) -> {
            if (error == null) {
              metrics.published();
            } else {
              failed(targetId, result, error);
            }
          });
    } catch (RuntimeException e) {
      // Producer closed, metadata or buffer wait timed out, or the result did not encode.
      failed(targetId, result, e);
    }
  }

  private void failed(String targetId, CheckResult result, Throwable error) {
    metrics.publishFailed(error);
    long second = System.nanoTime() / 1_000_000_000L;
    long window = logWindow.get();
    if (window != second && logWindow.compareAndSet(window, second)) {
      loggedInWindow.set(0);
      int before = suppressed.getAndSet(0);
      if (before > 0) {
        log.warn("{} more result(s) could not be delivered (not logged one by one)", before);
      }
    }
    if (loggedInWindow.incrementAndGet() <= LOG_LIMIT_PER_SECOND) {
      log.warn(
          "result of target {} (scheduled {}) could not be delivered to {}: {}",
          targetId,
          result.scheduledAt(),
          topic,
          error.toString());
    } else {
      suppressed.incrementAndGet();
    }
    undelivered.accept(result, error);
  }

  /** Delivers what the producer holds (waiting up to {@code timeout}) and closes it. */
  void close(Duration timeout) {
    try {
      producer.close(timeout);
    } catch (RuntimeException e) {
      log.warn("closing the result producer failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
