package dev.webmon.bench;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producer throughput and latency, in the spirit of Kafka's ProducerPerformance with the
 * settings that matter for webmon's agents: acks, idempotence, in-flight requests, linger,
 * compression, keyed vs. unkeyed records, and synchronous sends. Sends to a fresh topic (deleted
 * afterwards). Latency is from {@code send()} to the acknowledgement.
 */
public final class ProducerBench {
  private ProducerBench() {}

  /** What to measure. */
  public record Options(
      long messages,
      int recordSize,
      String acks,
      int maxInFlight,
      boolean idempotence,
      Duration linger,
      String compression,
      int keys,
      boolean waitEach,
      int partitions,
      int batchSize,
      long throughput) {
    public Options {
      if (throughput == 0 || throughput < -1) {
        throw new IllegalArgumentException("--throughput must be a positive records/s, or -1 for no limit");
      }
      if (messages < 1 || messages > 1_000_000_000L) {
        throw new IllegalArgumentException("--messages must be 1 to 1000000000");
      }
      if (recordSize < 1 || recordSize > 1_000_000) {
        throw new IllegalArgumentException("--record-size must be 1 to 1000000 bytes");
      }
      if (!List.of("0", "1", "all").contains(acks)) {
        throw new IllegalArgumentException("--acks must be 0, 1 or all");
      }
      if (maxInFlight < 1 || maxInFlight > 1000) {
        throw new IllegalArgumentException("--max-in-flight must be 1 to 1000");
      }
      if (idempotence && (!acks.equals("all") || maxInFlight > 5)) {
        throw new IllegalArgumentException("--idempotence needs --acks all and --max-in-flight at most 5 (or pass --idempotence false)");
      }
      if (linger.isNegative() || linger.compareTo(Duration.ofSeconds(10)) > 0) {
        throw new IllegalArgumentException("--linger must be 0 to 10000 ms");
      }
      if (!List.of("none", "gzip", "snappy", "lz4", "zstd").contains(compression)) {
        throw new IllegalArgumentException("--compression must be none, gzip, snappy, lz4 or zstd");
      }
      if (keys < 0) {
        throw new IllegalArgumentException("--keys must be at least 0 (0 = no keys)");
      }
      if (partitions < 1 || partitions > 1000) {
        throw new IllegalArgumentException("--partitions must be 1 to 1000");
      }
      if (batchSize < 1 || batchSize > 16 * 1024 * 1024) {
        throw new IllegalArgumentException("--batch-size must be 1 to 16777216 bytes");
      }
    }
  }

  /** The figures of one run. */
  public record Result(
      Options options,
      String broker,
      long sent,
      long errors,
      double seconds,
      double recordsPerSecond,
      double mbPerSecond,
      double p50Ms,
      double p95Ms,
      double p99Ms,
      double maxMs) {
    /** One JSON object with every figure, for scripts. */
    public String json() {
      Options o = options;
      return JsonLine.bench("producer")
          .put("broker", broker)
          .put("messages", o.messages())
          .put("recordSize", o.recordSize())
          .put("acks", o.acks())
          .put("maxInFlight", o.maxInFlight())
          .put("idempotence", o.idempotence())
          .put("lingerMs", o.linger().toMillis())
          .put("compression", o.compression())
          .put("keys", o.keys())
          .put("wait", o.waitEach())
          .put("partitions", o.partitions())
          .put("batchSize", o.batchSize())
          .put("throughput", o.throughput())
          .put("sent", sent)
          .put("errors", errors)
          .put("seconds", seconds, 3)
          .put("recordsPerSecond", recordsPerSecond, 0)
          .put("mbPerSecond", mbPerSecond, 2)
          .put("latencyP50Ms", p50Ms, 3)
          .put("latencyP95Ms", p95Ms, 3)
          .put("latencyP99Ms", p99Ms, 3)
          .put("latencyMaxMs", maxMs, 3)
          .toString();
    }
  }

  /** Runs the bench against {@code kafka}; progress and the summary go to {@code out}. */
  public static Result run(Options o, KafkaConfig kafka, String brokerLabel, PrintWriter out) throws InterruptedException {
    String topic = "webmon-bench-producer-" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(topic, Optional.of(o.partitions()), Optional.empty())))
          .all()
          .get(kafka.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      try {
        return measure(o, kafka, brokerLabel, topic, out);
      } finally {
        admin.deleteTopics(List.of(topic)).all().get(kafka.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new WebmonException("bench topic " + topic + " on " + kafka.bootstrapServers() + ": " + e, e);
    }
  }

  private static Result measure(Options o, KafkaConfig kafka, String brokerLabel, String topic, PrintWriter out)
      throws InterruptedException {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, o.acks());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, o.idempotence());
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, o.maxInFlight());
    p.put(ProducerConfig.LINGER_MS_CONFIG, Math.toIntExact(o.linger().toMillis()));
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, o.compression());
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, o.batchSize());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());

    // A pool of random upper-case payloads (as ProducerPerformance), so compression is realistic.
    Random random = new Random(42);
    byte[][] payloads = new byte[64][o.recordSize()];
    for (byte[] payload : payloads) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) ('A' + random.nextInt(26));
      }
    }
    byte[][] keys = new byte[o.keys()][];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = ("target-" + i).getBytes(StandardCharsets.UTF_8);
    }
    LatencyHistogram latency = new LatencyHistogram(TimeUnit.NANOSECONDS);
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();

    long start;
    long end;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      warmUp(producer, topic, o.partitions(), payloads[0]);
      start = System.nanoTime();
      long nextReport = start + TimeUnit.SECONDS.toNanos(5);
      for (long i = 0; i < o.messages(); i++) {
        if (o.throughput() > 0) {
          // Open-loop pacing: record i is due at start + i / throughput.
          long due = start + (long) (i * 1e9 / o.throughput());
          long wait = due - System.nanoTime();
          if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
          }
        }
        byte[] key = keys.length == 0 ? null : keys[(int) (i % keys.length)];
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, payloads[(int) (i & 63)]);
        long sentAt = System.nanoTime();
        if (o.waitEach()) {
          try {
            producer.send(record).get();
            acked.incrementAndGet();
          } catch (ExecutionException e) {
            errors.incrementAndGet();
            firstError.compareAndSet(null, e);
          }
          latency.record(System.nanoTime() - sentAt);
        } else {
          producer.send(
              record,
              (md, e) -> {
                if (e == null) {
                  acked.incrementAndGet();
                } else {
                  errors.incrementAndGet();
                  firstError.compareAndSet(null, e);
                }
                latency.record(System.nanoTime() - sentAt);
              });
        }
        long now = System.nanoTime();
        if (now > nextReport) {
          out.printf(Locale.ROOT, "  %d records sent, %.0f records/s%n", i + 1, (i + 1) / ((now - start) / 1e9));
          out.flush();
          nextReport = now + TimeUnit.SECONDS.toNanos(5);
        }
      }
      producer.flush();
      end = System.nanoTime();
    }
    if (firstError.get() != null) {
      out.println("  first error: " + firstError.get());
    }
    double seconds = (end - start) / 1e9;
    double rps = o.messages() / seconds;
    double mbps = o.messages() * (double) o.recordSize() / seconds / 1e6;
    Result r =
        new Result(o, brokerLabel, acked.get(), errors.get(), seconds, rps, mbps,
            latency.percentileMs(50), latency.percentileMs(95), latency.percentileMs(99), latency.maxMs());
    out.printf(
        Locale.ROOT,
        "%d records of %d B in %.2f s: %.0f records/s, %.2f MB/s; latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms; %d error(s)%n",
        o.messages(), o.recordSize(), seconds, rps, mbps, r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs(), r.errors());
    out.println(r.json());
    out.flush();
    return r;
  }

  /**
   * One acknowledged record per partition before measuring: a freshly created topic may not have
   * its leaders in place yet, and the first sends would measure that (or, with idempotence, get
   * stuck retrying out-of-order sequences until the delivery timeout).
   */
  private static void warmUp(KafkaProducer<byte[], byte[]> producer, String topic, int partitions, byte[] payload)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int partition = 0; partition < partitions; partition++) {
      while (true) {
        try {
          producer.send(new ProducerRecord<>(topic, partition, null, payload)).get(10, TimeUnit.SECONDS);
          break;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            throw new WebmonException("bench topic " + topic + " is not writable: " + e, e);
          }
          TimeUnit.MILLISECONDS.sleep(200);
        }
      }
    }
  }
}
