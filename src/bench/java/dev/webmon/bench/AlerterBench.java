package dev.webmon.bench;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.TargetSpec;
import dev.webmon.init.TopicInitializer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code webmon bench alerter}: the alerter topology ({@code alerter.AlerterTopology}) in a
 * KafkaStreams instance with exactly_once_v2, on three fresh sets of topics.
 *
 * <ol>
 *   <li>throughput: a backlog of results with scripted outages ({@link AlerterResults}) is
 *       produced; a plain read_committed consumer reads and decodes it before and after the
 *       alerter, and the mean of both rates is the reference (the machine's load drifts); the
 *       alerter is timed from RUNNING to the commit of its offset past the last result. The ticks'
 *       clock stands still at the backlog's start: results carry their own (past) times, and a
 *       wall clock would find every target silent;
 *   <li>latency: results are produced live at a fixed rate with dense scripted outages and a wall
 *       clock ({@link AlerterLatency});
 *   <li>restoration: an alerter runs until its stores hold every target of a large set, stops
 *       (leaving the group), its state directory is deleted, and a new instance is timed from
 *       {@code start()} to RUNNING; the changelogs' size on the broker is reported.
 * </ol>
 */
public final class AlerterBench {
  /** The spec interval of the backlog and restoration targets: a round of results is one interval. */
  static final Duration BACKLOG_INTERVAL = Duration.ofMinutes(1);

  private AlerterBench() {}

  /** What to measure. */
  public record Options(
      int results,
      int targets,
      int locations,
      int partitions,
      int latencyRate,
      Duration latencyDuration,
      int latencyTargets,
      int restoreTargets,
      Duration tick,
      int threads) {
    public Options {
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
      if (latencyTargets < 1 || latencyTargets > 10_000_000) {
        throw new IllegalArgumentException("--latency-targets must be 1 to 10000000");
      }
      if (restoreTargets < 0 || restoreTargets > 10_000_000) {
        throw new IllegalArgumentException("--restore-targets must be 0 (skip) to 10000000");
      }
      if (tick.compareTo(Duration.ofMillis(100)) < 0 || tick.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("--tick must be 100 ms to 10 min");
      }
      if (threads < 1 || threads > 64) {
        throw new IllegalArgumentException("--stream-threads must be 1 to 64");
      }
    }

    /** The spec interval of the live targets: one round of results at the rate, at least the minimum interval. */
    Duration latencyInterval() {
      long seconds = Math.ceilDiv((long) latencyTargets * locations, Math.max(1, latencyRate));
      return Duration.ofSeconds(Math.max(TargetSpec.MIN_INTERVAL.toSeconds(), seconds));
    }
  }

  /** The Streams settings in effect (given or Streams' defaults), for the report. */
  public record StreamsSettings(String processingGuarantee, long commitIntervalMs, int threads, long cacheMaxBytes) {
    static StreamsSettings of(Map<String, Object> properties) {
      StreamsConfig c = new StreamsConfig(properties);
      return new StreamsSettings(
          c.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), c.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG),
          c.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG), c.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
    }
  }

  /** The throughput phase. */
  public record Throughput(
      double produceSeconds, double consumerBeforeSeconds, double consumerAfterSeconds, double startSeconds,
      double alerterSeconds, BenchAlerter.ThreadTimes threadTimes, Map<IncidentEvent.Kind, Long> transitions) {}

  /** The restoration phase (all 0 when skipped). */
  public record Restoration(
      long targets, long results, double populateSeconds, long changelogBytes, long changelogOffsets,
      double runningSeconds, double restoreSeconds, long restoredRecords) {
    static final Restoration SKIPPED = new Restoration(0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** The figures of one run. */
  public record Result(
      Options options, String infrastructure, StreamsSettings streams, Throughput throughput,
      AlerterLatency.Figures latency, Restoration restoration) {
    public double consumerResultsPerSecond() {
      int n = options.results();
      return (n / throughput.consumerBeforeSeconds() + n / throughput.consumerAfterSeconds()) / 2;
    }

    public double alerterResultsPerSecond() {
      return options.results() / throughput.alerterSeconds();
    }

    public double ratio() {
      return alerterResultsPerSecond() / consumerResultsPerSecond();
    }

    /** One JSON object with every figure, for scripts. */
    public String json() {
      Options o = options;
      Throughput t = throughput;
      Restoration r = restoration;
      return JsonLine.bench("alerter")
          .put("infrastructure", infrastructure)
          .put("results", o.results())
          .put("targets", o.targets())
          .put("locations", o.locations())
          .put("partitions", o.partitions())
          .put("processingGuarantee", streams.processingGuarantee())
          .put("commitIntervalMs", streams.commitIntervalMs())
          .put("streamThreads", streams.threads())
          .put("cacheMaxBytes", streams.cacheMaxBytes())
          .put("tickMs", o.tick().toMillis())
          .put("alerterResultsPerSecond", alerterResultsPerSecond(), 0)
          .put("consumerResultsPerSecond", consumerResultsPerSecond(), 0)
          .put("ratio", ratio(), 3)
          .put("alerterSeconds", t.alerterSeconds(), 3)
          .put("alerterStartSeconds", t.startSeconds(), 3)
          .put("threadProcessRatio", t.threadTimes().process(), 3)
          .put("threadCommitRatio", t.threadTimes().commit(), 3)
          .put("threadPollRatio", t.threadTimes().poll(), 3)
          .put("threadPunctuateRatio", t.threadTimes().punctuate(), 3)
          .put("commits", t.threadTimes().commits())
          .put("commitLatencyMeanMs", t.threadTimes().commitLatencyMs(), 1)
          .put("consumerBeforeResultsPerSecond", o.results() / t.consumerBeforeSeconds(), 0)
          .put("consumerAfterResultsPerSecond", o.results() / t.consumerAfterSeconds(), 0)
          .put("produceSeconds", t.produceSeconds(), 3)
          .put("backlogTransitions", kinds(t.transitions()))
          .put("latencyRatePerSecond", o.latencyRate())
          .put("latencyTargets", o.latencyTargets())
          .put("latencyResults", latency.produced())
          .put("latencySamples", latency.samples())
          .put("latencyUnmatched", latency.unmatched())
          .put("latencyTransitions", kinds(latency.kinds()))
          .put("latencyP50Ms", latency.p50Ms(), 1)
          .put("latencyP99Ms", latency.p99Ms(), 1)
          .put("latencyMaxMs", latency.maxMs(), 1)
          .put("restoreTargets", r.targets())
          .put("restoreInputResults", r.results())
          .put("restorePopulateSeconds", r.populateSeconds(), 3)
          .put("changelogBytes", r.changelogBytes())
          .put("changelogOffsets", r.changelogOffsets())
          .put("restoredRecords", r.restoredRecords())
          .put("restoreSeconds", r.restoreSeconds(), 3)
          .put("restoreRunningSeconds", r.runningSeconds(), 3)
          .toString();
    }

    private static JsonLine kinds(Map<IncidentEvent.Kind, Long> counts) {
      JsonLine j = JsonLine.object();
      for (IncidentEvent.Kind k : IncidentEvent.Kind.values()) {
        j.put(k.name().toLowerCase(Locale.ROOT), counts.getOrDefault(k, 0L));
      }
      return j;
    }
  }

  /**
   * Runs the three phases against {@code kafka}; the bench's topics are deleted afterwards.
   *
   * @param infrastructure label for the output, e.g. "embedded" or "external"
   */
  public static Result run(Options o, KafkaConfig kafka, String infrastructure, PrintWriter out) throws InterruptedException {
    String prefix = "webmon-bench-" + UUID.randomUUID().toString().substring(0, 8);
    Path stateRoot = createTempDir();
    try (AlerterKafka k = new AlerterKafka(kafka)) {
      TopicsConfig backlog = topics(k, kafka, prefix + "-backlog", o.partitions());
      Map<String, Object> streams = BenchAlerter.properties(kafka, backlog, stateRoot.resolve("backlog"), o.threads());
      StreamsSettings settings = StreamsSettings.of(streams);
      out.printf(Locale.ROOT, "alerter: %s, commit.interval.ms %d, %d stream thread(s), statestore.cache.max.bytes %d, tick %d ms%n",
          settings.processingGuarantee(), settings.commitIntervalMs(), settings.threads(), settings.cacheMaxBytes(), o.tick().toMillis());
      Throughput t;
      try {
        t = throughput(o, k, backlog, streams, out);
      } finally {
        cleanUp(k, backlog, out);
      }
      AlerterLatency.Figures latency = new AlerterLatency.Figures(0, 0, 0, Map.of(), 0, 0, 0);
      if (o.latencyRate() > 0 && !o.latencyDuration().isZero()) {
        TopicsConfig live = topics(k, kafka, prefix + "-live", o.partitions());
        try {
          latency = latency(o, k, live, BenchAlerter.properties(kafka, live, stateRoot.resolve("live"), o.threads()), out);
        } finally {
          cleanUp(k, live, out);
        }
      }
      Restoration restoration = Restoration.SKIPPED;
      if (o.restoreTargets() > 0) {
        TopicsConfig restore = topics(k, kafka, prefix + "-restore", o.partitions());
        try {
          restoration = AlerterRestoration.run(o, k, restore, kafka, stateRoot.resolve("restore"), out);
        } finally {
          cleanUp(k, restore, out);
        }
      }
      Result r = new Result(o, infrastructure, settings, t, latency, restoration);
      out.printf(Locale.ROOT, "alerter %.0f results/s vs read_committed consumer %.0f results/s (mean of before and after): %.0f %%%n",
          r.alerterResultsPerSecond(), r.consumerResultsPerSecond(), 100 * r.ratio());
      out.println(r.json());
      out.flush();
      return r;
    } finally {
      deleteTree(stateRoot);
    }
  }

  /** Deletes a phase's topics (Streams' internal ones too) and group; a failure is printed, not thrown over the phase's own. */
  private static void cleanUp(AlerterKafka k, TopicsConfig topics, PrintWriter out) {
    try {
      k.deleteAll(topics.prefix(), BenchAlerter.applicationId(topics));
    } catch (WebmonException e) {
      out.println("  (could not delete the bench topics " + topics.prefix() + "*: " + e.getMessage() + ")");
    }
  }

  /** Creates the topics of {@code prefix} and waits until every broker serves them (Streams refuses topics without partitions). */
  static TopicsConfig topics(AlerterKafka k, KafkaConfig kafka, String prefix, int partitions) {
    TopicsConfig topics = new TopicsConfig(prefix, partitions, 0, Duration.ofHours(1), Duration.ofHours(1));
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      ti.apply();
    }
    k.awaitServed(
        Map.of(topics.targets(), partitions, topics.results(), partitions, topics.incidents(), partitions,
            topics.incidentCommands(), partitions, topics.alertPolicies(), 1));
    return topics;
  }

  private static Throughput throughput(Options o, AlerterKafka k, TopicsConfig topics, Map<String, Object> streams, PrintWriter out)
      throws InterruptedException {
    AlerterResults gen = new AlerterResults(o.targets(), o.locations(), AlerterResults.Script.BACKLOG, 1);
    Duration step = BACKLOG_INTERVAL.dividedBy(gen.perRound());
    Instant base = Instant.now().minus(step.multipliedBy(o.results())).truncatedTo(ChronoUnit.SECONDS);
    out.printf(Locale.ROOT, "throughput: producing %d target specs and %d results (%d rounds of %d) to %s ...%n",
        o.targets(), o.results(), Math.ceilDiv(o.results(), gen.perRound()), gen.perRound(), topics.results());
    out.flush();
    k.produceSpecs(topics, gen, o.targets(), BACKLOG_INTERVAL);
    double produceSeconds = k.produceResults(topics, gen, o.results(), base, step);
    out.printf(Locale.ROOT, "  %.2f s (%.0f results/s)%n", produceSeconds, o.results() / produceSeconds);
    double before = consumer(o, k, topics, "before", out);
    out.printf(Locale.ROOT, "alerter: consuming the backlog ...%n");
    out.flush();
    double startSeconds;
    double alerterSeconds;
    BenchAlerter.ThreadTimes times;
    try (BenchAlerter alerter = BenchAlerter.start(streams, topics, Clock.fixed(base, ZoneOffset.UTC), o.tick())) {
      startSeconds = alerter.awaitRunning(Duration.ofMinutes(2));
      long running = System.nanoTime();
      long done = k.awaitCommitted(BenchAlerter.applicationId(topics), k.endOffsets(topics.results()), alerter, Duration.ofMinutes(30));
      alerterSeconds = (done - running) / 1e9;
      times = alerter.threadTimes();
    }
    Map<IncidentEvent.Kind, Long> transitions = k.countIncidents(topics.incidents());
    out.printf(Locale.ROOT, "  RUNNING after %.2f s, then %d results in %.2f s: %.0f results/s; transitions %s%n",
        startSeconds, o.results(), alerterSeconds, o.results() / alerterSeconds, transitions);
    out.printf(Locale.ROOT, "  stream thread time: process %.0f %%, commit %.0f %% (%d commits, mean %.1f ms), poll %.0f %%, punctuate %.0f %%%n",
        100 * times.process(), 100 * times.commit(), times.commits(), times.commitLatencyMs(), 100 * times.poll(), 100 * times.punctuate());
    double after = consumer(o, k, topics, "after", out);
    return new Throughput(produceSeconds, before, after, startSeconds, alerterSeconds, times, transitions);
  }

  private static double consumer(Options o, AlerterKafka k, TopicsConfig topics, String when, PrintWriter out) {
    out.printf(Locale.ROOT, "reference (%s): a read_committed consumer decoding the %d results ...%n", when, o.results());
    out.flush();
    double seconds = k.consumeAll(topics.results(), o.results());
    out.printf(Locale.ROOT, "  %.2f s: %.0f results/s%n", seconds, o.results() / seconds);
    return seconds;
  }

  private static AlerterLatency.Figures latency(Options o, AlerterKafka k, TopicsConfig topics, Map<String, Object> streams, PrintWriter out)
      throws InterruptedException {
    AlerterResults gen = new AlerterResults(o.latencyTargets(), o.locations(), AlerterResults.Script.DENSE, 2);
    out.printf(Locale.ROOT, "latency: %d targets (interval %d s) x %d locations, %d results/s for %d s, wall clock ...%n",
        o.latencyTargets(), o.latencyInterval().toSeconds(), o.locations(), o.latencyRate(), o.latencyDuration().toSeconds());
    out.flush();
    k.produceSpecs(topics, gen, o.latencyTargets(), o.latencyInterval());
    try (BenchAlerter alerter = BenchAlerter.start(streams, topics, Clock.systemUTC(), o.tick())) {
      alerter.awaitRunning(Duration.ofMinutes(2));
      // As in production, the specs are loaded (and their first transactions done) before results flow.
      k.awaitCommitted(BenchAlerter.applicationId(topics), k.endOffsets(topics.targets()), alerter, Duration.ofMinutes(2));
      AlerterLatency.Figures f = new AlerterLatency(k, topics).run(gen, o.latencyRate(), o.latencyDuration(), alerter);
      out.printf(Locale.ROOT, "  %d transitions %s: p50 %.0f ms, p99 %.0f ms, max %.0f ms (result produced to transition committed)%n",
          f.samples(), f.kinds(), f.p50Ms(), f.p99Ms(), f.maxMs());
      return f;
    }
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("webmon-bench-alerter-");
    } catch (IOException e) {
      throw new UncheckedIOException("could not create the state directory", e);
    }
  }

  /** Deletes a state directory and everything in it. */
  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + root, e);
    }
  }
}
