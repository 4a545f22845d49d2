package dev.webmon.alerter;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeCount;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the input records the alerter skipped, as the Streams metric {@code
 * webmon-alerter/skipped-records-total} with tags {@code task-id} and {@code reason} (visible in
 * {@code KafkaStreams.metrics()}, and so on the ops endpoint). One per task; not thread-safe.
 */
final class Skips {
  private static final Logger LOG = LoggerFactory.getLogger(Skips.class);
  /** Metric group of the alerter's own metrics. */
  static final String GROUP = "webmon-alerter";

  /** Metric name of the skip counters. */
  static final String METRIC = "skipped-records-total";

  /** Why a record was skipped; the {@code reason} tag is the lower-case name. */
  enum Reason {
    /** Not a valid event (bad JSON, a field out of range, an unknown major version). */
    MALFORMED,
    /** A key missing or not the event's target id (policy name, window id for those). */
    WRONG_KEY,
    /** A result or command of a target the alerter has no spec of (not yet, or deleted). */
    UNKNOWN_TARGET,
    /** An acknowledgement of an incident that is not open, or already acknowledged. */
    ACK_IGNORED,
    /** A target spec, policy or maintenance window of a lower version than the one kept. */
    STALE;

    String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  private final StreamsMetrics metrics;
  private final Map<Reason, Sensor> sensors = new EnumMap<>(Reason.class);

  Skips(StreamsMetrics metrics, String taskId) {
    this.metrics = metrics;
    for (Reason r : Reason.values()) {
      String name = GROUP + "." + taskId + "." + r.tag();
      Sensor s = metrics.addSensor(name, Sensor.RecordingLevel.INFO);
      s.add(new MetricName(METRIC, GROUP, "Input records the alerter skipped, by reason",
          Map.of("task-id", taskId, "reason", r.tag())), new CumulativeCount());
      sensors.put(r, s);
    }
  }

  void count(Reason r) {
    sensors.get(r).record();
  }

  /** Counts the record {@code ctx} is processing as skipped and logs where it is and why (never its value). */
  void skip(ProcessorContext<?, ?> ctx, Reason reason, String why) {
    count(reason);
    RecordMetadata m = ctx.recordMetadata().orElseThrow();
    LOG.warn("skipped a record of {}-{} at offset {} ({}): {}", m.topic(), m.partition(),
        m.offset(), reason.tag(), why);
  }

  void close() {
    sensors.values().forEach(metrics::removeSensor);
    sensors.clear();
  }
}
