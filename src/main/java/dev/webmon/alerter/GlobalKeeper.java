package dev.webmon.alerter;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store of keyed, versioned events from a compacted topic (alert policies,
 * maintenance windows): valid events by key, the highest version per key; tombstones delete. A
 * record that is malformed, whose key is not its event's, or older than the one kept is counted
 * and skipped (tag {@code task-id=global}). Runs on the global stream thread.
 *
 * @param <T> the event
 */
final class GlobalKeeper<T> implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(GlobalKeeper.class);

  /**
   * What one global store keeps.
   *
   * @param store the store's name
   * @param what the event, for logs ("alert policy")
   * @param decode the codec's strict decoder of the event
   * @param key the event's Kafka key
   * @param version the event's version
   */
  record Kind<T>(
      String store,
      String what,
      BiFunction<EventCodec, byte[], T> decode,
      Function<T, String> key,
      ToLongFunction<T> version) {}

  /** The alert policies, by name. */
  static final Kind<AlertPolicySpec> POLICIES =
      new Kind<>(AlerterTopology.POLICIES, "alert policy", EventCodec::decodePolicy, AlertPolicySpec::name,
          AlertPolicySpec::version);

  /** The maintenance windows, by id. */
  static final Kind<MaintenanceWindow> MAINTENANCE =
      new Kind<>(AlerterTopology.MAINTENANCE, "maintenance window", EventCodec::decodeMaintenance,
          w -> w.id().toString(), MaintenanceWindow::version);

  private final Kind<T> kind;
  private final EventCodec codec = new EventCodec();
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;
  private Skips skips;

  GlobalKeeper(Kind<T> kind) {
    this.kind = kind;
  }

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    this.context = ctx;
    this.store = ctx.getStateStore(kind.store());
    this.skips = new Skips(ctx.metrics(), "global");
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null) {
      skip(Skips.Reason.WRONG_KEY, "no key");
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      LOG.info("{} {} deleted", kind.what(), record.key());
      return;
    }
    T event;
    try {
      event = kind.decode().apply(codec, record.value());
    } catch (DecodeException e) {
      skip(Skips.Reason.MALFORMED, e.error() + e.field().map(f -> " at " + f).orElse(""));
      return;
    }
    String key = kind.key().apply(event);
    long version = kind.version().applyAsLong(event);
    if (!key.equals(record.key())) {
      skip(Skips.Reason.WRONG_KEY, kind.what() + " " + key);
      return;
    }
    if (olderThanKept(key, version)) {
      skips.count(Skips.Reason.STALE);
      LOG.debug("{} {} version {} is older than the one kept", kind.what(), key, version);
      return;
    }
    store.put(key, record.value());
    LOG.info("{} {} version {}", kind.what(), key, version);
  }

  private boolean olderThanKept(String key, long version) {
    byte[] kept = store.get(key);
    if (kept == null) {
      return false;
    }
    try {
      return kind.version().applyAsLong(kind.decode().apply(codec, kept)) > version;
    } catch (DecodeException e) {
      return false; // restored unchecked from the topic: the new one replaces it
    }
  }

  private void skip(Skips.Reason reason, String why) {
    skips.skip(context, reason, why);
  }

  @Override
  public void close() {
    if (skips != null) {
      skips.close();
    }
  }
}
