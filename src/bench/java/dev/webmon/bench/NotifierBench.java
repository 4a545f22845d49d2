package dev.webmon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.AllowedNetwork;
import dev.webmon.check.Cidr;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.init.TopicInitializer;
import dev.webmon.notifier.Notifier;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.Database;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@code webmon bench notifier}: the time from an incident transition committed to the webhook
 * receiving it. Fresh topics ({@code webmon init}'s {@link TopicInitializer}) and schema, one
 * default webhook channel to a {@link NotifierReceiver} on 127.0.0.1 (only its port allow-listed),
 * the real {@link Notifier}; transitions ({@link NotifierTransitions}) are produced at a fixed rate,
 * each in its own Kafka transaction, as the alerter commits them (the notifier reads
 * read_committed). Latency = from {@code commitTransaction()} returning to the receiver's handler
 * starting for that transition's Idempotency-Key, both on {@link System#nanoTime()}.
 */
public final class NotifierBench {
  static final String CHANNEL = "bench-hook";
  private static final String SECRET = "whsec_bench_0123456789abcdef";
  private static final Duration RECEIVE_TIMEOUT = Duration.ofMinutes(2);

  private NotifierBench() {}

  /** What to measure. */
  public record Options(int transitions, int rate, int warmup, int partitions) {
    public Options {
      int block = 2 * NotifierTransitions.BLOCK;
      if (transitions < block || transitions > 1_000_000 || transitions % block != 0) {
        throw new IllegalArgumentException("--transitions must be a multiple of " + block + " from " + block + " to 1000000");
      }
      if (warmup < 0 || warmup > 100_000 || warmup % block != 0) {
        throw new IllegalArgumentException("--warmup must be 0 or a multiple of " + block + " up to 100000");
      }
      if (rate < 1 || rate > 10_000) {
        throw new IllegalArgumentException("--rate must be 1 to 10000 per second");
      }
      if (partitions < 1 || partitions > 1000) {
        throw new IllegalArgumentException("--partitions must be 1 to 1000");
      }
    }
  }

  /** The figures of one run. */
  public record Result(
      Options options,
      String infrastructure,
      NotifierConfig config,
      long matched,
      long missing,
      long requests,
      long duplicates,
      long badSignatures,
      long retries,
      double produceSeconds,
      double p50Ms,
      double p99Ms,
      double maxMs,
      double queuedP99Ms,
      double deliveredP99Ms,
      String loadBefore,
      String loadAfter) {
    /** One JSON object with every figure, for scripts. */
    public String json() {
      return JsonLine.bench("notifier")
          .put("infrastructure", infrastructure)
          .put("transitions", options.transitions())
          .put("ratePerSecond", options.rate())
          .put("warmup", options.warmup())
          .put("partitions", options.partitions())
          .put("groupWaitMs", config.groupWait().toMillis())
          .put("workers", config.workers())
          .put("dispatchPollMs", Notifier.DISPATCH_POLL.toMillis())
          .put("consumerPollMs", Notifier.CONSUMER_POLL.toMillis())
          .put("fetchMaxWaitMs", Notifier.FETCH_MAX_WAIT.toMillis())
          .put("matched", matched)
          .put("missing", missing)
          .put("requests", requests)
          .put("duplicates", duplicates)
          .put("badSignatures", badSignatures)
          .put("retries", retries)
          .put("produceSeconds", produceSeconds, 3)
          .put("latencyP50Ms", p50Ms, 1)
          .put("latencyP99Ms", p99Ms, 1)
          .put("latencyMaxMs", maxMs, 1)
          .put("queuedP99Ms", queuedP99Ms, 1)
          .put("deliveredP99Ms", deliveredP99Ms, 1)
          .put("loadBefore", loadBefore)
          .put("loadAfter", loadAfter)
          .toString();
    }
  }

  /**
   * Runs the warm-up and the timed phase against the given Kafka and empty PostgreSQL database.
   *
   * @param infrastructure label for the output, e.g. "embedded"
   */
  public static Result run(
      Options o, KafkaConfig kafka, PostgresConfig postgres, NotifierConfig config, String infrastructure, PrintWriter out) {
    String loadBefore = loadAverage();
    String prefix = "webmon-bench-" + UUID.randomUUID().toString().substring(0, 8);
    TopicsConfig topics = new TopicsConfig(prefix, o.partitions(), 0, Duration.ofHours(1), Duration.ofHours(1));
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      ti.apply();
    }
    out.printf(
        Locale.ROOT,
        "notifier bench (%s): %d transitions at %d/s after %d of warm-up, %d partitions; notify.group-wait %d ms, "
            + "notifier.workers %d, dispatcher poll %d ms (woken by the consumer's commit), consumer poll %d ms, "
            + "fetch.max.wait %d ms; load average %s%n",
        infrastructure, o.transitions(), o.rate(), o.warmup(), o.partitions(), config.groupWait().toMillis(),
        config.workers(), Notifier.DISPATCH_POLL.toMillis(), Notifier.CONSUMER_POLL.toMillis(),
        Notifier.FETCH_MAX_WAIT.toMillis(), loadBefore);
    out.flush();
    try (HikariDataSource ds = Database.pool(postgres, "bench");
        NotifierReceiver receiver = new NotifierReceiver(CHANNEL, SECRET)) {
      new SchemaMigrator(ds).migrate();
      insertChannel(ds, receiver);
      AddressPolicy onlyTheReceiver =
          AddressPolicy.of(List.of(new AllowedNetwork(Cidr.parse("127.0.0.1/32"), receiver.port())));
      try (Notifier notifier = Notifier.builder(kafka, topics, postgres, config).addressPolicy(onlyTheReceiver).start();
          KafkaProducer<byte[], byte[]> producer = producer(kafka, prefix)) {
        producer.initTransactions();
        if (o.warmup() > 0) {
          out.printf(Locale.ROOT, "warm-up: %d transitions (untimed) ...%n", o.warmup());
          out.flush();
          Map<String, Long> warm = produce(new NotifierTransitions(prefix + "-warmup", o.warmup()), o.rate(), producer, topics, notifier);
          awaitReceived(warm, receiver, notifier);
        }
        out.printf(Locale.ROOT, "timed: %d transitions at %d/s ...%n", o.transitions(), o.rate());
        out.flush();
        long t0 = System.nanoTime();
        // Wall clock (epoch ns) minus nanoTime: places the rows' created_at (the notifier's clock) on the nanoTime line.
        long wallMinusNanos = Instant.now().toEpochMilli() * 1_000_000L - System.nanoTime();
        Map<String, Long> committed = produce(new NotifierTransitions(prefix, o.transitions()), o.rate(), producer, topics, notifier);
        double produceSeconds = (System.nanoTime() - t0) / 1e9;
        awaitReceived(committed, receiver, notifier);
        LatencyHistogram histogram = new LatencyHistogram(TimeUnit.NANOSECONDS);
        long missing = 0;
        // The slowest delivery per 5 s of the run (by commit time): shows whether the tail is spread or one stall.
        Map<Long, Long> slowestPerSlice = new java.util.TreeMap<>();
        for (Map.Entry<String, Long> e : committed.entrySet()) {
          Optional<Long> seen = receiver.firstSeen(e.getKey());
          if (seen.isPresent()) {
            long latency = seen.get() - e.getValue();
            histogram.record(latency);
            slowestPerSlice.merge(TimeUnit.NANOSECONDS.toSeconds(e.getValue() - t0) / 5 * 5, latency, Math::max);
          } else {
            missing++;
          }
        }
        long retries = printRetries(ds, out);
        Stages stages = stages(ds, committed, receiver, wallMinusNanos);
        out.printf(
            Locale.ROOT,
            "  stages: commit -> queued in PostgreSQL (consumer) p50 %.1f / p99 %.1f / max %.1f ms; "
                + "queued -> received (dispatcher, worker, HTTP) p50 %.1f / p99 %.1f / max %.1f ms%n",
            stages.queued().percentileMs(50), stages.queued().percentileMs(99), stages.queued().maxMs(),
            stages.delivered().percentileMs(50), stages.delivered().percentileMs(99), stages.delivered().maxMs());
        StringBuilder slices = new StringBuilder("slowest per 5 s (from s: ms):");
        slowestPerSlice.forEach((sec, ns) -> slices.append(String.format(Locale.ROOT, " %d: %.0f", sec, ns / 1e6)));
        out.println(slices);
        Result r =
            new Result(
                o, infrastructure, config, histogram.count(), missing, receiver.requests(), receiver.duplicates(),
                receiver.badSignatures(), retries, produceSeconds, histogram.percentileMs(50), histogram.percentileMs(99),
                histogram.maxMs(), stages.queued().percentileMs(99), stages.delivered().percentileMs(99), loadBefore,
                loadAverage());
        out.printf(
            Locale.ROOT,
            "committed -> received: %d matched, %d missing; p50 %.1f ms, p99 %.1f ms, max %.1f ms (goal p99 < 1000 ms: %s); "
                + "%d requests, %d duplicates, %d bad signatures, %d retried attempts; produced in %.1f s; load average %s%n",
            r.matched(), r.missing(), r.p50Ms(), r.p99Ms(), r.maxMs(), r.p99Ms() < 1000 && missing == 0 ? "met" : "NOT met",
            r.requests(), r.duplicates(), r.badSignatures(), r.retries(), produceSeconds, r.loadAfter());
        out.println(r.json());
        out.flush();
        return r;
      }
    } finally {
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        admin.deleteTopics(
                List.of(topics.targets(), topics.results(), topics.dlq(), topics.incidents(), topics.incidentCommands(),
                    topics.alertPolicies()))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        out.println("  (could not delete the bench topics " + prefix + ".*: " + e.getMessage() + ")");
      }
    }
  }

  /** Produces the script open-loop at {@code rate}, one transaction per transition; the commit instants by key. */
  private static Map<String, Long> produce(
      NotifierTransitions script, int rate, KafkaProducer<byte[], byte[]> producer, TopicsConfig topics, Notifier notifier) {
    EventCodec codec = new EventCodec();
    Map<String, Long> committed = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    for (int j = 0; j < script.count(); j++) {
      long wait = t0 + TimeUnit.SECONDS.toNanos(1) * j / rate - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing to the rate
      }
      if (!notifier.isRunning()) {
        throw new WebmonException("the notifier stopped: " + notifier.failure().map(Throwable::toString).orElse("closed"));
      }
      IncidentEvent e = script.transition(j, Instant.now());
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(topics.incidents(), e.targetId().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
      producer.commitTransaction();
      committed.put(NotifierTransitions.key(e), System.nanoTime());
    }
    return committed;
  }

  private static void awaitReceived(Map<String, Long> keys, NotifierReceiver receiver, Notifier notifier) {
    long deadline = System.nanoTime() + RECEIVE_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline && notifier.isRunning()) {
      if (keys.keySet().stream().allMatch(k -> receiver.firstSeen(k).isPresent())) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // a bench's wait for the stragglers
    }
  }

  /** The two halves of each latency: commit to the outbox row's {@code created_at}, and from there to the receiver. */
  private record Stages(LatencyHistogram queued, LatencyHistogram delivered) {}

  private static Stages stages(HikariDataSource ds, Map<String, Long> committed, NotifierReceiver receiver, long wallMinusNanos) {
    Stages st = new Stages(new LatencyHistogram(TimeUnit.NANOSECONDS), new LatencyHistogram(TimeUnit.NANOSECONDS));
    try (Connection c = ds.getConnection();
        java.sql.PreparedStatement ps =
            c.prepareStatement("SELECT incident_id, seq, created_at FROM notification WHERE channel_id = ?")) {
      ps.setString(1, CHANNEL);
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String key = rs.getObject(1, UUID.class) + ":" + rs.getLong(2);
          Long commit = committed.get(key);
          Optional<Long> seen = receiver.firstSeen(key);
          if (commit != null && seen.isPresent()) {
            Instant created = rs.getTimestamp(3).toInstant();
            long queuedAt = created.getEpochSecond() * 1_000_000_000L + created.getNano() - wallMinusNanos;
            st.queued().record(queuedAt - commit);
            st.delivered().record(seen.get() - queuedAt);
          }
        }
      }
    } catch (SQLException e) {
      throw new WebmonException("cannot read the outbox: " + e.getMessage(), e);
    }
    return st;
  }

  /** The attempts that did not deliver (a retry holds its channel's later rows back: per-channel order); how many. */
  private static long printRetries(HikariDataSource ds, PrintWriter out) {
    String sql =
        "SELECT a.at, a.outcome, a.http_status, a.latency_ms, a.next_retry_at, a.detail FROM notification_attempt a"
            + " WHERE a.outcome <> 'delivered' ORDER BY a.at";
    long n = 0;
    try (Connection c = ds.getConnection();
        java.sql.Statement st = c.createStatement();
        java.sql.ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        if (n++ < 5) {
          out.printf(
              Locale.ROOT, "  attempt not delivered at %s: %s, HTTP %s, %d ms, next try %s: %s%n",
              rs.getTimestamp(1).toInstant(), rs.getString(2), rs.getObject(3), rs.getInt(4),
              rs.getTimestamp(5) == null ? "-" : rs.getTimestamp(5).toInstant(), rs.getString(6));
        }
      }
    } catch (SQLException e) {
      throw new WebmonException("cannot read the delivery attempts: " + e.getMessage(), e);
    }
    return n;
  }

  private static void insertChannel(HikariDataSource ds, NotifierReceiver receiver) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode secrets = json.createObjectNode().put("url", receiver.url().toString()).put("secret", SECRET);
    ChannelWrites.Row row =
        new ChannelWrites.Row(
            CHANNEL, "webhook", "bench receiver", true, "certificate", true, List.of(), List.of(), json.createObjectNode(),
            secrets, json.createObjectNode(), 1, Instant.now());
    try (Connection c = ds.getConnection()) {
      if (!new ChannelWrites().insert(c, row)) {
        throw new WebmonException("the bench channel " + CHANNEL + " exists already: use an empty database");
      }
    } catch (SQLException e) {
      throw new WebmonException("cannot create the bench channel: " + e.getMessage(), e);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(KafkaConfig kafka, String prefix) {
    Map<String, Object> p = kafka.producerProperties(prefix + "-incidents");
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-incidents");
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** The 1, 5 and 15 minute load averages, or "unknown" off Linux. */
  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
