package dev.webmon.bench;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The alerter bench's Kafka chores: producing, the consumer-only reference, offsets, changelog sizes. */
final class AlerterKafka implements AutoCloseable {
  /** The reference consumer polls as many records as a Streams consumer does by default. */
  static final int MAX_POLL_RECORDS = 1000;

  private final KafkaConfig kafka;
  private final Admin admin;
  private final EventCodec codec = new EventCodec();

  AlerterKafka(KafkaConfig kafka) {
    this.kafka = kafka;
    this.admin = Admin.create(kafka.clientProperties());
  }

  /** A batching producer, like the agents' (lz4, linger 5 ms). */
  KafkaProducer<byte[], byte[]> producer() {
    Map<String, Object> p = kafka.producerProperties("webmon-bench-alerter");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** The specs of every target of {@code gen}, flushed. */
  void produceSpecs(TopicsConfig topics, AlerterResults gen, int targets, Duration interval) {
    AtomicReference<Exception> failed = new AtomicReference<>();
    Instant now = Instant.now();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int t = 0; t < targets; t++) {
        String id = AlerterResults.targetId(t);
        producer.send(
            new ProducerRecord<>(topics.targets(), id.getBytes(StandardCharsets.UTF_8), codec.encode(gen.spec(t, interval, now))),
            callback(failed));
      }
      producer.flush();
    }
    throwIfFailed(failed, "producing the bench targets");
  }

  /** Results {@code 0..count-1} of {@code gen}, result i started at {@code base + i × step}; returns the seconds taken. */
  double produceResults(TopicsConfig topics, AlerterResults gen, long count, Instant base, Duration step) {
    AtomicReference<Exception> failed = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (long i = 0; i < count; i++) {
        send(producer, topics, gen.result(i, base.plus(step.multipliedBy(i))), failed);
      }
      producer.flush();
    }
    throwIfFailed(failed, "producing the bench results");
    return (System.nanoTime() - t0) / 1e9;
  }

  void send(KafkaProducer<byte[], byte[]> producer, TopicsConfig topics, CheckResult r, AtomicReference<Exception> failed) {
    producer.send(
        new ProducerRecord<>(topics.results(), r.targetId().getBytes(StandardCharsets.UTF_8), codec.encode(r)), callback(failed));
  }

  private static Callback callback(AtomicReference<Exception> failed) {
    return (md, e) -> {
      if (e != null) {
        failed.compareAndSet(null, e);
      }
    };
  }

  static void throwIfFailed(AtomicReference<Exception> failed, String what) {
    if (failed.get() != null) {
      throw new WebmonException(what + " failed: " + failed.get(), failed.get());
    }
  }

  /** A read_committed consumer of raw records, assigned by the caller. */
  KafkaConsumer<byte[], byte[]> consumer() {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return new KafkaConsumer<>(p);
  }

  /**
   * The reference: a plain read_committed consumer reads and decodes (strictly, with {@link
   * EventCodec}) every result of the topic from the beginning; returns the seconds from its first
   * poll to the last record.
   */
  double consumeAll(String topic, long expected) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(partitions(topic));
      consumer.seekToBeginning(consumer.assignment());
      long n = 0;
      long checksum = 0;
      long t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
      while (n < expected) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          checksum += codec.decodeResult(r.value()).timings().totalMicros();
          n++;
        }
        if (System.nanoTime() > deadline) {
          throw new WebmonException("the reference consumer read " + n + " of " + expected + " results within 10 minutes");
        }
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (checksum == Long.MIN_VALUE) {
        throw new IllegalStateException("unreachable; keeps the decoding from being optimised away");
      }
      return seconds;
    }
  }

  /** Waits until a client's metadata shows every partition of {@code names} (fresh topics take a moment to reach every broker). */
  void awaitServed(Map<String, Integer> partitionsByTopic) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    try (KafkaConsumer<byte[], byte[]> probe = consumer()) {
      for (Map.Entry<String, Integer> e : partitionsByTopic.entrySet()) {
        String name = e.getKey();
        int expected = e.getValue();
        while (served(probe, name) < expected) {
          if (System.nanoTime() > deadline) {
            throw new WebmonException("the brokers did not serve " + name + " within 60 s");
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // polling metadata
        }
      }
    }
  }

  private static int served(KafkaConsumer<byte[], byte[]> probe, String topic) {
    try {
      return probe.partitionsFor(topic, Duration.ofSeconds(5)).size();
    } catch (org.apache.kafka.common.errors.TimeoutException e) { // Kafka's, not java.util.concurrent's
      return 0; // not known to the broker yet
    }
  }

  /** Every partition of {@code topic}. */
  List<TopicPartition> partitions(String topic) {
    int count = await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe " + topic).get(topic).partitions().size();
    List<TopicPartition> out = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      out.add(new TopicPartition(topic, p));
    }
    return out;
  }

  /** The end offsets of {@code topic}'s partitions. */
  Map<TopicPartition, Long> endOffsets(String topic) {
    Map<TopicPartition, OffsetSpec> request = partitions(topic).stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
    return await(admin.listOffsets(request).all(), "list offsets of " + topic).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /**
   * Waits until {@code group} has committed {@code ends} (every input consumed and its outputs
   * committed, under EOS) and returns {@link System#nanoTime()} when it saw that, polling every
   * 20 ms.
   */
  long awaitCommitted(String group, Map<TopicPartition, Long> ends, BenchAlerter alerter, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<TopicPartition, OffsetAndMetadata> committed =
          await(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), "list the offsets of " + group);
      long behind = 0;
      for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
        OffsetAndMetadata c = committed.get(e.getKey());
        behind += Math.max(0, e.getValue() - (c == null ? 0 : c.offset()));
      }
      long now = System.nanoTime();
      if (behind == 0) {
        return now;
      }
      alerter.check();
      if (now > deadline) {
        throw new WebmonException("the alerter was still " + behind + " results behind after " + timeout.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling the group's offsets; precision 20 ms
    }
  }

  /** The committed incident transitions on {@code topic}, counted by kind. */
  Map<IncidentEvent.Kind, Long> countIncidents(String topic) {
    Map<IncidentEvent.Kind, Long> counts = new EnumMap<>(IncidentEvent.Kind.class);
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      List<TopicPartition> parts = partitions(topic);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts); // the last stable offsets, under read_committed
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          counts.merge(codec.decodeIncident(r.value()).kind(), 1L, Long::sum);
        }
        if (System.nanoTime() > deadline) {
          throw new WebmonException("reading " + topic + " took over 2 minutes");
        }
      }
    }
    return counts;
  }

  /** Bytes on the brokers' disks and records (end minus start offsets) of the changelogs of {@code applicationId}. */
  record Changelogs(List<String> topics, long bytes, long offsets) {}

  Changelogs changelogs(String applicationId) {
    Set<String> names =
        await(admin.listTopics().names(), "list topics").stream()
            .filter(n -> n.startsWith(applicationId + "-") && n.endsWith("-changelog"))
            .collect(Collectors.toSet());
    List<Integer> brokers =
        await(admin.describeCluster().nodes(), "describe the cluster").stream().map(n -> n.id()).toList();
    long bytes = 0;
    for (Map<String, LogDirDescription> dirs : await(admin.describeLogDirs(brokers).allDescriptions(), "describe log dirs").values()) {
      for (LogDirDescription dir : dirs.values()) {
        for (Map.Entry<TopicPartition, ReplicaInfo> e : dir.replicaInfos().entrySet()) {
          if (names.contains(e.getKey().topic())) {
            bytes += e.getValue().size();
          }
        }
      }
    }
    long offsets = 0;
    for (String name : names) {
      Map<TopicPartition, OffsetSpec> earliest = partitions(name).stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest()));
      Map<TopicPartition, Long> ends = endOffsets(name);
      for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e :
          await(admin.listOffsets(earliest).all(), "list offsets of " + name).entrySet()) {
        offsets += ends.get(e.getKey()) - e.getValue().offset();
      }
    }
    return new Changelogs(names.stream().sorted().toList(), bytes, offsets);
  }

  /** Deletes every topic whose name starts with {@code prefix} (the bench's and Streams' internal ones) and the group. */
  void deleteAll(String prefix, String group) {
    Set<String> names =
        await(admin.listTopics().names(), "list topics").stream().filter(n -> n.startsWith(prefix)).collect(Collectors.toSet());
    if (!names.isEmpty()) {
      await(admin.deleteTopics(names).all(), "delete the topics " + prefix + "*");
    }
    try {
      admin.deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The group may be gone already (no offsets) or still empty-ing; nothing depends on it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(kafka.requestTimeout().toMillis() * 3, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new WebmonException(String.format(Locale.ROOT, "could not %s: %s", what, e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("interrupted while trying to " + what, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(10));
  }
}
