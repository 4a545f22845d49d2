package dev.webmon.notifier;

import dev.webmon.store.Notifications;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The notifier's meters: {@code webmon.notifier.deliveries} by channel type and outcome, {@code
 * webmon.notifier.give.ups} by type, {@code webmon.notifier.queue.depth} and {@code
 * webmon.notifier.oldest.pending.seconds} by type (refreshed from the outbox), incidents consumed,
 * dead letters, PostgreSQL availability. Thread-safe.
 */
final class NotifierMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> deliveries = new ConcurrentHashMap<>();
  private final Map<String, Counter> giveUps = new ConcurrentHashMap<>();
  private final Map<String, AtomicLongArray> queue = new ConcurrentHashMap<>();
  private final Counter consumed;
  private final Counter deadLetters;
  private final AtomicBoolean postgres = new AtomicBoolean(true);

  NotifierMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (ChannelType t : ChannelType.values()) {
      String type = t.name().toLowerCase(Locale.ROOT);
      AtomicLongArray figures = new AtomicLongArray(2); // pending, oldest age in ms
      queue.put(type, figures);
      Gauge.builder("webmon.notifier.queue.depth", figures, f -> f.get(0))
          .description("Notifications waiting to be delivered (pending in the outbox)")
          .tag("type", type)
          .register(registry);
      Gauge.builder("webmon.notifier.oldest.pending.seconds", figures, f -> f.get(1) / 1000.0)
          .description("Age of the oldest pending notification")
          .tag("type", type)
          .register(registry);
    }
    this.consumed =
        Counter.builder("webmon.notifier.incidents.consumed").description("Incident transitions consumed").register(registry);
    this.deadLetters =
        Counter.builder("webmon.notifier.dead.letters").description("Incident records refused to the dead-letter topic")
            .register(registry);
    Gauge.builder("webmon.notifier.postgres.available", postgres, b -> b.get() ? 1 : 0)
        .description("1 while PostgreSQL answered the notifier's last transaction")
        .register(registry);
  }

  void delivery(ChannelType type, String outcome) {
    String t = type.name().toLowerCase(Locale.ROOT);
    deliveries
        .computeIfAbsent(
            t + "/" + outcome,
            k ->
                Counter.builder("webmon.notifier.deliveries")
                    .description("Delivery attempts by channel type and outcome")
                    .tag("type", t)
                    .tag("outcome", outcome)
                    .register(registry))
        .increment();
  }

  void giveUp(ChannelType type) {
    String t = type.name().toLowerCase(Locale.ROOT);
    giveUps
        .computeIfAbsent(
            t,
            k -> Counter.builder("webmon.notifier.give.ups").description("Notifications given up").tag("type", t)
                .register(registry))
        .increment();
  }

  void consumed(int n) {
    consumed.increment(n);
  }

  void deadLetter() {
    deadLetters.increment();
  }

  void postgres(boolean available) {
    postgres.set(available);
  }

  boolean postgresAvailable() {
    return postgres.get();
  }

  /** Sets the queue gauges from the outbox; types absent from {@code queues} have none pending. */
  void queues(List<Notifications.Queue> queues, Instant now) {
    queue.values().forEach(f -> {
      f.set(0, 0);
      f.set(1, 0);
    });
    for (Notifications.Queue q : queues) {
      AtomicLongArray f = queue.get(q.channelType());
      if (f != null) {
        f.set(0, q.pending());
        f.set(1, Math.max(0, Duration.between(q.oldestCreatedAt(), now).toMillis()));
      }
    }
  }
}
