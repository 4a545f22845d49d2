package dev.webmon.alerter;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

/**
 * Kafka Streams' client metrics (Micrometer's {@code KafkaStreamsMetrics}) in the shape Prometheus
 * conventions and {@code promtool check metrics} ask for: metrics with a unit in their name are
 * dropped ({@code *-time-ns-total}, {@code start-time-ms}: the {@code *-ratio} metrics say the
 * same), and so is {@code connection-count} (a {@code _count} suffix is reserved for histograms;
 * renaming instead would make the binder register it again on every refresh); a metric Kafka
 * gives no description gets one. Other meters pass unchanged. Stateless and thread-safe.
 */
final class KafkaMeterNames implements MeterFilter {
  @Override
  public MeterFilterReply accept(Meter.Id id) {
    String name = id.getName();
    if (name.startsWith("kafka.")
        && (hasSegment(name, "ns") || hasSegment(name, "ms") || name.endsWith(".connection.count"))) {
      return MeterFilterReply.DENY;
    }
    return MeterFilterReply.NEUTRAL;
  }

  @Override
  public Meter.Id map(Meter.Id id) {
    String description = id.getDescription();
    if (!id.getName().startsWith("kafka.") || (description != null && !description.isBlank())) {
      return id;
    }
    // The description is not part of a meter's identity, so the binder still finds its meter.
    return new Meter.Id(
        id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), "Kafka client metric " + id.getName(), id.getType());
  }

  private static boolean hasSegment(String name, String segment) {
    return name.endsWith("." + segment) || name.contains("." + segment + ".");
  }
}
