package dev.webmon.bench;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * The restoration phase of {@link AlerterBench}: one round of results (every location of every
 * target once) fills an alerter's stores with {@code restoreTargets} targets; the alerter stops
 * and leaves the group, its state directory is deleted, and a new instance with the same
 * application id is timed from {@code start()} to RUNNING (group join plus restoration of every
 * store from its changelog). The clock stands still at the results' start, as in the throughput
 * phase.
 */
final class AlerterRestoration {
  private AlerterRestoration() {}

  static AlerterBench.Restoration run(
      AlerterBench.Options o, AlerterKafka k, TopicsConfig topics, KafkaConfig kafka, Path stateDir, PrintWriter out)
      throws InterruptedException {
    int targets = o.restoreTargets();
    AlerterResults gen = new AlerterResults(targets, o.locations(), AlerterResults.Script.BACKLOG, 3);
    long results = gen.perRound();
    Duration step = AlerterBench.BACKLOG_INTERVAL.dividedBy(results);
    Instant base = Instant.now().minus(AlerterBench.BACKLOG_INTERVAL).truncatedTo(ChronoUnit.SECONDS);
    out.printf(Locale.ROOT, "restoration: %d targets x %d locations: producing %d specs and %d results ...%n",
        targets, o.locations(), targets, results);
    out.flush();
    k.produceSpecs(topics, gen, targets, AlerterBench.BACKLOG_INTERVAL);
    k.produceResults(topics, gen, results, base, step);
    Map<String, Object> properties = BenchAlerter.properties(kafka, topics, stateDir, o.threads());
    Clock clock = Clock.fixed(base, ZoneOffset.UTC);
    String group = BenchAlerter.applicationId(topics);
    double populateSeconds;
    try (BenchAlerter first = BenchAlerter.start(properties, topics, clock, o.tick())) {
      long t0 = System.nanoTime();
      first.awaitRunning(Duration.ofMinutes(2));
      long done = k.awaitCommitted(group, k.endOffsets(topics.results()), first, Duration.ofMinutes(30));
      populateSeconds = (done - t0) / 1e9;
    }
    AlerterKafka.Changelogs changelogs = k.changelogs(group);
    out.printf(Locale.ROOT, "  stores filled in %.2f s; stopped; changelogs %s: %d bytes, %d offsets%n",
        populateSeconds, changelogs.topics(), changelogs.bytes(), changelogs.offsets());
    AlerterBench.deleteTree(stateDir);
    out.printf(Locale.ROOT, "  state directory deleted; starting a new instance ...%n");
    out.flush();
    try (BenchAlerter second = BenchAlerter.start(properties, topics, clock, o.tick())) {
      double running = second.awaitRunning(Duration.ofMinutes(30));
      out.printf(Locale.ROOT, "  RUNNING after %.2f s; %d changelog records restored in %.2f s%n",
          running, second.restoredRecords(), second.restoreSeconds());
      return new AlerterBench.Restoration(
          targets, results, populateSeconds, changelogs.bytes(), changelogs.offsets(), running, second.restoreSeconds(),
          second.restoredRecords());
    }
  }
}
