package dev.webmon.bench;

import dev.webmon.WebmonException;
import dev.webmon.alerter.AlerterTopology;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * One alerter instance for the bench: the topology of {@link AlerterTopology} in a KafkaStreams
 * instance built here (not by {@code alerter.Alerter}, so the bench measures the topology with
 * the properties it reports), with a state listener for RUNNING and a restore listener counting
 * the changelog records restored. Closing leaves the group, so that a successor does not wait
 * for this member's session to expire.
 */
final class BenchAlerter implements AutoCloseable {
  private static final String TRIAL_PREFIX = "webmon.bench.streams.";

  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private final AtomicLong runningAt = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicLong restored = new AtomicLong();
  private final AtomicLong restoreStartedAt = new AtomicLong();
  private final AtomicLong restoreEndedAt = new AtomicLong();
  private final long startedAt;

  private BenchAlerter(Map<String, Object> properties, TopicsConfig topics, Clock clock, Duration tick) {
    streams = new KafkaStreams(AlerterTopology.build(topics, clock, tick), new StreamsConfig(properties));
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.RUNNING && runningAt.compareAndSet(0, System.nanoTime())) {
            running.countDown();
          } else if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR) {
            failure.compareAndSet(null, new WebmonException("the alerter's KafkaStreams went to " + now));
            running.countDown();
          }
        });
    streams.setUncaughtExceptionHandler(
        e -> {
          failure.compareAndSet(null, e);
          running.countDown();
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setGlobalStateRestoreListener(
        new StateRestoreListener() {
          @Override
          public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
            restoreStartedAt.compareAndSet(0, System.nanoTime());
          }

          @Override
          public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long records) {
            restored.addAndGet(records);
          }

          @Override
          public void onRestoreEnd(TopicPartition partition, String store, long total) {
            restoreEndedAt.set(System.nanoTime());
          }
        });
    startedAt = System.nanoTime();
    streams.start();
  }

  /**
   * The Streams properties of an alerter: application id {@code <prefix>-alerter},
   * exactly_once_v2 and otherwise Streams' defaults (commit.interval.ms is 100 under EOS),
   * unless a trial overrides a property with {@code -Dwebmon.bench.streams.<property>=<value>}.
   */
  static Map<String, Object> properties(KafkaConfig kafka, TopicsConfig topics, Path stateDir, int threads) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(topics));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true); // as the alerter's
    p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
    // Trials: -Dwebmon.bench.streams.<property>=<value> overrides a Streams property.
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith(TRIAL_PREFIX)) {
        p.put(name.substring(TRIAL_PREFIX.length()), System.getProperty(name));
      }
    }
    return p;
  }

  static String applicationId(TopicsConfig topics) {
    return topics.prefix() + "-alerter";
  }

  /** Starts an instance; see {@link #properties}. */
  static BenchAlerter start(Map<String, Object> properties, TopicsConfig topics, Clock clock, Duration tick) {
    return new BenchAlerter(properties, topics, clock, tick);
  }

  /** Waits for the first RUNNING; returns the seconds from {@code start()} to it. */
  double awaitRunning(Duration timeout) throws InterruptedException {
    if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new WebmonException("the alerter was not RUNNING within " + timeout.toSeconds() + " s (state " + streams.state() + ")");
    }
    check();
    return (runningAt.get() - startedAt) / 1e9;
  }

  /** Throws if the instance failed. */
  void check() {
    Throwable t = failure.get();
    if (t != null) {
      throw new WebmonException("the alerter failed: " + t, t);
    }
  }

  /** Changelog records restored so far, over every store and partition. */
  long restoredRecords() {
    return restored.get();
  }

  /** Seconds from the first store's restoration start to the last one's end; 0 if nothing was restored. */
  double restoreSeconds() {
    long start = restoreStartedAt.get();
    long end = restoreEndedAt.get();
    return start == 0 || end == 0 ? 0 : (end - start) / 1e9;
  }

  /**
   * Where the stream threads' time went, from Streams' own thread metrics (fractions of wall-clock
   * time, averaged over the threads and over Streams' metric sample window, 2 × 30 s by default,
   * which covers a bench phase) and the commits' count and mean latency.
   */
  ThreadTimes threadTimes() {
    Map<String, double[]> sums = new HashMap<>();
    streams.metrics().forEach(
        (name, metric) -> {
          if (name.group().equals("stream-thread-metrics") && metric.metricValue() instanceof Double d && !d.isNaN()) {
            double[] s = sums.computeIfAbsent(name.name(), n -> new double[2]);
            s[0] += d;
            s[1]++;
          }
        });
    return new ThreadTimes(
        mean(sums, "process-ratio"), mean(sums, "commit-ratio"), mean(sums, "poll-ratio"), mean(sums, "punctuate-ratio"),
        (long) sum(sums, "commit-total"), mean(sums, "commit-latency-avg"));
  }

  private static double mean(Map<String, double[]> sums, String name) {
    double[] s = sums.get(name);
    return s == null ? 0 : s[0] / s[1];
  }

  private static double sum(Map<String, double[]> sums, String name) {
    double[] s = sums.get(name);
    return s == null ? 0 : s[0];
  }

  /** See {@link #threadTimes()}. */
  record ThreadTimes(double process, double commit, double poll, double punctuate, long commits, double commitLatencyMs) {
  }

  @Override
  public void close() {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(60)));
  }
}
