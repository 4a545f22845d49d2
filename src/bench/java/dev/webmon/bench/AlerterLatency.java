package dev.webmon.bench;

import dev.webmon.WebmonException;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * The decision latency: results are produced live at a fixed rate with their {@code startedAt}
 * stamped with the wall-clock millisecond of their send (so the produce time of a result is its
 * {@code startedAt}); a read_committed consumer of the incidents topic takes, for each committed
 * transition, the latest result of its target started at or before the transition's {@code at}
 * (the result that decided it: the alerter judges a result at its own startedAt) and records the
 * time from that result's produce time to the poll that returned the transition.
 */
final class AlerterLatency {
  /** The figures of the live phase. */
  record Figures(long produced, long samples, long unmatched, Map<IncidentEvent.Kind, Long> kinds, double p50Ms, double p99Ms, double maxMs) {}

  private final AlerterKafka kafka;
  private final TopicsConfig topics;
  private final EventCodec codec = new EventCodec();
  private final Map<String, ConcurrentSkipListSet<Long>> producedAt = new ConcurrentHashMap<>();
  private final LatencyHistogram histogram = new LatencyHistogram(TimeUnit.MILLISECONDS);
  private final Map<IncidentEvent.Kind, Long> kinds = new EnumMap<>(IncidentEvent.Kind.class);
  private final AtomicLong unmatched = new AtomicLong();
  private final AtomicReference<Map<TopicPartition, Long>> drainTo = new AtomicReference<>();
  private final AtomicReference<Throwable> consumerFailure = new AtomicReference<>();

  AlerterLatency(AlerterKafka kafka, TopicsConfig topics) {
    this.kafka = kafka;
    this.topics = topics;
  }

  /** Produces {@code rate × duration} results of {@code gen} paced open-loop, with {@code alerter} RUNNING. */
  Figures run(AlerterResults gen, int rate, Duration duration, BenchAlerter alerter) throws InterruptedException {
    List<TopicPartition> parts = kafka.partitions(topics.incidents());
    Thread reader = Thread.ofPlatform().name("bench-incidents-reader").start(() -> read(parts));
    long count = rate * duration.toSeconds();
    AtomicReference<Exception> failed = new AtomicReference<>();
    try {
      long t0 = System.nanoTime();
      try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
        for (long i = 0; i < count; i++) {
          if (i % 20 == 0) {
            long wait = t0 + TimeUnit.SECONDS.toNanos(1) * i / rate - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait); // pacing to the rate
            }
            alerter.check();
          }
          long now = System.currentTimeMillis();
          var r = gen.result(i, Instant.ofEpochMilli(now));
          producedAt.computeIfAbsent(r.targetId(), k -> new ConcurrentSkipListSet<>()).add(now);
          kafka.send(producer, topics, r, failed);
        }
        producer.flush();
      }
      AlerterKafka.throwIfFailed(failed, "producing the live results");
      kafka.awaitCommitted(BenchAlerter.applicationId(topics), kafka.endOffsets(topics.results()), alerter, Duration.ofMinutes(5));
      // Every transition is committed now (with the inputs that caused it): read up to the end.
      try (KafkaConsumer<byte[], byte[]> probe = kafka.consumer()) {
        drainTo.set(probe.endOffsets(parts));
      }
      reader.join(TimeUnit.MINUTES.toMillis(2));
    } finally {
      drainTo.compareAndSet(null, Map.of());
      reader.join(TimeUnit.SECONDS.toMillis(30));
    }
    Throwable t = consumerFailure.get();
    if (t != null) {
      throw new WebmonException("reading the incidents failed: " + t, t);
    }
    synchronized (kinds) {
      return new Figures(
          count, histogram.count(), unmatched.get(), Map.copyOf(kinds), histogram.percentileMs(50), histogram.percentileMs(99), histogram.maxMs());
    }
  }

  private void read(List<TopicPartition> parts) {
    try (KafkaConsumer<byte[], byte[]> consumer = kafka.consumer()) {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (true) {
        Map<TopicPartition, Long> ends = drainTo.get();
        if (ends != null && parts.stream().allMatch(tp -> consumer.position(tp) >= ends.getOrDefault(tp, 0L))) {
          return;
        }
        var records = consumer.poll(Duration.ofMillis(50));
        long observed = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          record(codec.decodeIncident(r.value()), observed);
        }
      }
    } catch (RuntimeException e) {
      consumerFailure.set(e);
    }
  }

  private void record(IncidentEvent e, long observed) {
    synchronized (kinds) {
      kinds.merge(e.kind(), 1L, Long::sum);
    }
    ConcurrentSkipListSet<Long> times = producedAt.get(e.targetId());
    Long deciding = times == null ? null : times.floor(e.at().toEpochMilli());
    if (deciding == null) {
      unmatched.incrementAndGet();
    } else {
      histogram.record(observed - deciding);
    }
  }
}
