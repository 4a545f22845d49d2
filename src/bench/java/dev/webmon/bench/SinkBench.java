package dev.webmon.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.init.TopicInitializer;
import dev.webmon.sink.Sink;
import dev.webmon.sink.SinkConfig;
import dev.webmon.store.Database;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code webmon bench sink}: how close the sink comes to a raw COPY of the same rows, and its
 * end-to-end latency at a steady rate.
 *
 * <ol>
 *   <li>raw COPY: the results, generated untimed in chunks, are encoded and COPYed in one
 *       transaction into a scratch table shaped like {@code check_result} (same columns, primary
 *       key, BRIN index, daily partitions and default partition); run again after the sink phase,
 *       and the mean of both rates is the reference (the machine's load drifts);
 *   <li>throughput: the same results are produced to a fresh results topic; then a sink starts
 *       and is timed from its start to the commit that holds the last result;
 *   <li>latency: results are produced at a fixed rate with the sink running; latency is from the
 *       producer timestamp to the commit of the row.
 * </ol>
 */
public final class SinkBench {
  private SinkBench() {}

  /** What to measure. */
  public record Options(
      int results,
      int warmup,
      int targets,
      int locations,
      int partitions,
      int latencyRate,
      Duration latencyDuration,
      boolean textCopy) {
    public Options {
      if (warmup < 0 || warmup > 10_000_000) {
        throw new IllegalArgumentException("--warmup must be 0 to 10000000");
      }
      if (results < 1_000 || results > 100_000_000) {
        throw new IllegalArgumentException("--results must be 1000 to 100000000");
      }
      if (targets < 1 || targets > 10_000_000 || locations < 1 || locations > 100) {
        throw new IllegalArgumentException("--targets must be 1 to 10000000 and --locations 1 to 100");
      }
      if (partitions < 1 || partitions > 1000) {
        throw new IllegalArgumentException("--partitions must be 1 to 1000");
      }
      if (latencyRate < 0 || latencyRate > 1_000_000) {
        throw new IllegalArgumentException("--latency-rate must be 0 (skip) to 1000000 per second");
      }
      if (latencyDuration.isNegative() || latencyDuration.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("--latency-seconds must be 0 to 3600");
      }
    }
  }

  /** The figures of one run. */
  public record Result(
      Options options,
      String infrastructure,
      SinkConfig sink,
      double produceSeconds,
      double copyBeforeSeconds,
      double copyAfterSeconds,
      double sinkSeconds,
      double sinkFirstCommitSeconds,
      long bytesPerRow,
      long latencySamples,
      double latencyP50Ms,
      double latencyP99Ms,
      double latencyMaxMs) {
    /** The raw COPY rate: the mean of the runs before and after the sink, to even out load drift. */
    public double copyRowsPerSecond() {
      return (options.results() / copyBeforeSeconds + options.results() / copyAfterSeconds) / 2;
    }

    public double sinkRowsPerSecond() {
      return options.results() / sinkSeconds;
    }

    public double ratio() {
      return sinkRowsPerSecond() / copyRowsPerSecond();
    }

    /** One JSON object with every figure, for scripts. */
    public String json() {
      Options o = options;
      return JsonLine.bench("sink")
          .put("infrastructure", infrastructure)
          .put("results", o.results())
          .put("warmup", o.warmup())
          .put("targets", o.targets())
          .put("locations", o.locations())
          .put("partitions", o.partitions())
          .put("copyFormat", o.textCopy() ? "text" : "binary")
          .put("batchMaxRecords", sink.batchMaxRecords())
          .put("batchMaxLingerMs", sink.batchMaxLinger().toMillis())
          .put("sinkRowsPerSecond", sinkRowsPerSecond(), 0)
          .put("copyRowsPerSecond", copyRowsPerSecond(), 0)
          .put("ratio", ratio(), 3)
          .put("sinkSeconds", sinkSeconds, 3)
          .put("sinkFirstCommitSeconds", sinkFirstCommitSeconds, 3)
          .put("copyBeforeRowsPerSecond", o.results() / copyBeforeSeconds, 0)
          .put("copyAfterRowsPerSecond", o.results() / copyAfterSeconds, 0)
          .put("produceSeconds", produceSeconds, 3)
          .put("bytesPerRow", bytesPerRow)
          .put("latencyRatePerSecond", o.latencyRate())
          .put("latencySamples", latencySamples)
          .put("latencyP50Ms", latencyP50Ms, 1)
          .put("latencyP99Ms", latencyP99Ms, 1)
          .put("latencyMaxMs", latencyMaxMs, 1)
          .toString();
    }
  }

  /**
   * Runs the three phases against the given Kafka and (empty or bench-only) PostgreSQL database.
   *
   * @param infrastructure label for the output, e.g. "embedded" or "external"
   */
  public static Result run(
      Options o, KafkaConfig kafka, PostgresConfig postgres, SinkConfig sinkConfig, String infrastructure, PrintWriter out)
      throws InterruptedException {
    String prefix = "webmon-bench-" + UUID.randomUUID().toString().substring(0, 8);
    TopicsConfig topics = new TopicsConfig(prefix, o.partitions(), 0, Duration.ofHours(1), Duration.ofHours(1));
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      ti.apply();
    }
    try (HikariDataSource ds = Database.pool(postgres, "bench")) {
      new SchemaMigrator(ds).migrate();
      insertTargets(ds, o.targets());
      Instant base = Instant.now().minus(Duration.ofMillis(o.results() * 10L)).truncatedTo(ChronoUnit.SECONDS);
      ResultGenerator gen = new ResultGenerator(o, base, 1);
      if (o.warmup() > 0) {
        // Older than the timed results, so that these update every status row as in production.
        warmUp(o, new ResultGenerator(o, base.minus(Duration.ofMillis(o.warmup() * 10L)), 2), kafka, postgres, sinkConfig, ds, prefix, out);
      }
      double copySeconds = RawCopy.run(o.textCopy(), o.results(), gen, ds, out);
      double produceSeconds = produce(o, o.results(), gen, kafka, topics, out);
      return sinkPhases(o, gen, kafka, topics, postgres, sinkConfig, infrastructure, ds, copySeconds, produceSeconds, out);
    } finally {
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        admin.deleteTopics(List.of(topics.results(), topics.targets(), topics.dlq())).all().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("  (could not delete the bench topics " + prefix + ".*: " + e.getMessage() + ")");
      }
    }
  }

  /** The generated results' targets, so that the sink writes their status rows (it does only for known targets). */
  private static void insertTargets(HikariDataSource ds, int n) {
    dev.webmon.store.Targets store = new dev.webmon.store.Targets();
    try (java.sql.Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      for (int t = 0; t < n; t++) {
        store.upsert(
            c,
            dev.webmon.event.TargetSpec.builder("bench-target-" + t, java.net.URI.create("https://bench-target-" + t + ".example.com/health"))
                .version(1)
                .build());
      }
      c.commit();
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("could not insert the bench targets", e);
    }
  }

  /**
   * Runs a sink and a raw COPY over {@code warmup} other results, untimed, so the timed phases
   * measure compiled code (the JIT otherwise spends seconds of CPU inside the measurement) and a
   * status table in steady state (updates, not first inserts).
   */
  private static void warmUp(
      Options o,
      ResultGenerator gen,
      KafkaConfig kafka,
      PostgresConfig postgres,
      SinkConfig sinkConfig,
      HikariDataSource ds,
      String prefix,
      PrintWriter out)
      throws InterruptedException {
    out.printf(Locale.ROOT, "warm-up: sink and raw COPY over %d other results (untimed) ...%n", o.warmup());
    out.flush();
    TopicsConfig warm = new TopicsConfig(prefix + "-warmup", o.partitions(), 0, Duration.ofHours(1), Duration.ofHours(1));
    try (TopicInitializer ti = new TopicInitializer(kafka, warm)) {
      ti.apply();
    }
    try {
      produce(o, o.warmup(), gen, kafka, warm, new PrintWriter(java.io.OutputStream.nullOutputStream()));
      AtomicLong rows = new AtomicLong();
      SinkConfig config =
          new SinkConfig(
              sinkConfig.groupId() + "-warmup", sinkConfig.batchMaxRecords(), sinkConfig.batchMaxBytes(),
              sinkConfig.batchMaxLinger(), sinkConfig.rawRetention(), sinkConfig.rollupRetention(),
              sinkConfig.partitionsAhead(), sinkConfig.maintenanceInterval(), false, sinkConfig.rollupDelay(),
              sinkConfig.retryBackoffMax(), java.util.Optional.empty(), sinkConfig.sessionTimeout(),
              sinkConfig.metricsHost(), sinkConfig.metricsPort());
      try (Sink sink =
          Sink.builder(kafka, warm, postgres, config).commitListener((n, lat) -> rows.addAndGet(n)).textCopy(o.textCopy()).start()) {
        awaitRows(rows, o.warmup(), Duration.ofMinutes(10), sink);
      }
      RawCopy.run(o.textCopy(), o.warmup(), gen, ds, new PrintWriter(java.io.OutputStream.nullOutputStream()));
    } finally {
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        admin.deleteTopics(List.of(warm.results(), warm.targets(), warm.dlq())).all().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("  (could not delete the warm-up topics: " + e.getMessage() + ")");
      }
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaConfig kafka) {
    Map<String, Object> p = kafka.producerProperties("webmon-bench-sink");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static double produce(Options o, int count, ResultGenerator gen, KafkaConfig kafka, TopicsConfig topics, PrintWriter out) {
    out.printf(Locale.ROOT, "producing the same %d results to %s ...%n", count, topics.results());
    out.flush();
    EventCodec codec = new EventCodec();
    AtomicReference<Exception> failed = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (long i = 0; i < count; i++) {
        CheckResult r = gen.result(i);
        send(producer, topics, codec, r, failed);
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new WebmonException("producing the bench results failed: " + failed.get(), failed.get());
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    out.printf(Locale.ROOT, "  %.2f s (%.0f results/s)%n", seconds, count / seconds);
    return seconds;
  }

  private static Result sinkPhases(
      Options o,
      ResultGenerator gen,
      KafkaConfig kafka,
      TopicsConfig topics,
      PostgresConfig postgres,
      SinkConfig sinkConfig,
      String infrastructure,
      HikariDataSource ds,
      double copySeconds,
      double produceSeconds,
      PrintWriter out)
      throws InterruptedException {
    RawCopy.settle(ds, out);
    out.printf(Locale.ROOT, "sink: consuming the %d results (batches up to %d records, %d ms) ...%n",
        o.results(), sinkConfig.batchMaxRecords(), sinkConfig.batchMaxLinger().toMillis());
    out.flush();
    AtomicLong rows = new AtomicLong();
    AtomicLong firstCommit = new AtomicLong();
    AtomicLong lastCommit = new AtomicLong();
    long latencyCount = (long) o.latencyRate() * o.latencyDuration().toSeconds();
    LatencyHistogram latencies = new LatencyHistogram(TimeUnit.MILLISECONDS);
    long phaseA = o.results();
    Sink.CommitListener listener =
        (n, lat) -> {
          long total = rows.addAndGet(n);
          long now = System.nanoTime();
          firstCommit.compareAndSet(0, now);
          if (total <= phaseA) {
            lastCommit.set(now);
          } else {
            for (long l : lat) {
              latencies.record(l);
            }
          }
        };
    long start = System.nanoTime();
    try (Sink sink =
        Sink.builder(kafka, topics, postgres, sinkConfig).commitListener(listener).textCopy(o.textCopy()).start()) {
      awaitRows(rows, phaseA, Duration.ofMinutes(30), sink);
      double sinkSeconds = (lastCommit.get() - start) / 1e9;
      double firstSeconds = (firstCommit.get() - start) / 1e9;
      out.printf(Locale.ROOT, "  %d rows in %.2f s from the sink's start (first commit after %.2f s): %.0f rows/s%n",
          phaseA, sinkSeconds, firstSeconds, phaseA / sinkSeconds);
      long bytesPerRow = bytesPerRow(ds);
      out.printf(Locale.ROOT, "  check_result: %d bytes per row (table, indexes and TOAST)%n", bytesPerRow);
      double copyAfterSeconds = RawCopy.run(o.textCopy(), o.results(), gen, ds, out);

      double p50 = 0;
      double p99 = 0;
      double max = 0;
      long samples = 0;
      if (latencyCount > 0) {
        out.printf(Locale.ROOT, "latency: %d results/s for %d s with the sink running ...%n", o.latencyRate(), o.latencyDuration().toSeconds());
        out.flush();
        produceAtRate(o, gen, kafka, topics, phaseA, latencyCount);
        awaitRows(rows, phaseA + latencyCount, Duration.ofMinutes(5), sink);
        samples = latencies.count();
        p50 = latencies.percentileMs(50);
        p99 = latencies.percentileMs(99);
        max = latencies.maxMs();
        out.printf(Locale.ROOT, "  %d results: p50 %.0f ms, p99 %.0f ms, max %.0f ms (producer timestamp to commit)%n", samples, p50, p99, max);
      }
      Result r =
          new Result(o, infrastructure, sinkConfig, produceSeconds, copySeconds, copyAfterSeconds, sinkSeconds, firstSeconds,
              bytesPerRow, samples, p50, p99, max);
      out.printf(Locale.ROOT, "sink %.0f rows/s vs raw COPY %.0f rows/s (mean of before and after): %.0f %%%n",
          r.sinkRowsPerSecond(), r.copyRowsPerSecond(), 100 * r.ratio());
      out.println(r.json());
      out.flush();
      return r;
    }
  }

  private static void awaitRows(AtomicLong rows, long expected, Duration timeout, Sink sink) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (rows.get() < expected) {
      if (sink.failure().isPresent()) {
        throw new WebmonException("the sink failed: " + sink.failure().get(), sink.failure().get());
      }
      if (System.nanoTime() > deadline) {
        throw new WebmonException("the sink wrote " + rows.get() + " of " + expected + " rows within " + timeout.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5)); // polling a counter; precision 5 ms
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /** Sends one result keyed by its target; the first failure is kept in {@code failed}. */
  private static void send(
      KafkaProducer<byte[], byte[]> producer, TopicsConfig topics, EventCodec codec, CheckResult r, AtomicReference<Exception> failed) {
    producer.send(
        new ProducerRecord<>(topics.results(), r.targetId().getBytes(StandardCharsets.UTF_8), codec.encode(r)),
        (md, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
  }

  private static void produceAtRate(Options o, ResultGenerator gen, KafkaConfig kafka, TopicsConfig topics, long from, long count) {
    EventCodec codec = new EventCodec();
    AtomicReference<Exception> failed = new AtomicReference<>();
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
      for (long i = 0; i < count; i++) {
        if (i % 20 == 0) {
          long due = t0 + TimeUnit.SECONDS.toNanos(1) * i / o.latencyRate();
          long wait = due - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait); // pacing to the rate
          }
        }
        CheckResult r = gen.result(from + i, Instant.now());
        send(producer, topics, codec, r, failed);
      }
      producer.flush();
    }
    if (failed.get() != null) {
      throw new WebmonException("producing the latency results failed: " + failed.get(), failed.get());
    }
  }

  private static long bytesPerRow(HikariDataSource ds) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM pg_inherits "
                    + "WHERE inhparent = 'check_result'::regclass) / greatest(1, (SELECT count(*) FROM check_result))")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new WebmonException("measuring the table size failed: " + e.getMessage(), e);
    }
  }
}
