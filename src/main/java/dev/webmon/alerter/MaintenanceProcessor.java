package dev.webmon.alerter;

import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store of maintenance windows: valid windows by id (its string form), the
 * highest version per id; tombstones delete. A malformed record is counted and skipped (tag
 * {@code task-id=global}, as malformed policies). Runs on the global stream thread.
 */
final class MaintenanceProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceProcessor.class);

  private final EventCodec codec = new EventCodec();
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;
  private Skips skips;

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    this.context = ctx;
    this.store = ctx.getStateStore(AlerterTopology.MAINTENANCE);
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
      LOG.info("maintenance window {} deleted", record.key());
      return;
    }
    MaintenanceWindow w;
    try {
      w = codec.decodeMaintenance(record.value());
    } catch (DecodeException e) {
      skip(Skips.Reason.MALFORMED, e.error() + e.field().map(f -> " at " + f).orElse(""));
      return;
    }
    if (!w.id().toString().equals(record.key())) {
      skip(Skips.Reason.WRONG_KEY, "maintenance window " + w.id());
      return;
    }
    if (olderThanKept(w)) {
      skips.count(Skips.Reason.STALE);
      LOG.debug("maintenance window {} version {} is older than the one kept", w.id(),
          w.version());
      return;
    }
    store.put(record.key(), record.value());
    LOG.info("maintenance window {} version {}", w.id(), w.version());
  }

  private boolean olderThanKept(MaintenanceWindow w) {
    byte[] kept = store.get(w.id().toString());
    if (kept == null) {
      return false;
    }
    try {
      return codec.decodeMaintenance(kept).version() > w.version();
    } catch (DecodeException e) {
      return false; // restored unchecked from the topic: the new one replaces it
    }
  }

  private void skip(Skips.Reason reason, String why) {
    skips.count(reason);
    RecordMetadata m = context.recordMetadata().orElseThrow();
    LOG.warn("skipped a record of {}-{} at offset {} ({}): {}", m.topic(), m.partition(),
        m.offset(), reason.tag(), why);
  }

  @Override
  public void close() {
    if (skips != null) {
      skips.close();
    }
  }
}
