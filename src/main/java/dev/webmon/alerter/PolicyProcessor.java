package dev.webmon.alerter;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store of alert policies: valid policies by name, tombstones delete. A malformed
 * record is counted and skipped (tag {@code task-id=global}). Runs on the global stream thread.
 */
final class PolicyProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyProcessor.class);

  private final EventCodec codec = new EventCodec();
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, byte[]> store;
  private Skips skips;

  @Override
  public void init(ProcessorContext<Void, Void> ctx) {
    this.context = ctx;
    this.store = ctx.getStateStore(AlerterTopology.POLICIES);
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
      LOG.info("alert policy {} deleted", record.key());
      return;
    }
    AlertPolicySpec p;
    try {
      p = codec.decodePolicy(record.value());
    } catch (DecodeException e) {
      skip(Skips.Reason.MALFORMED, e.error() + e.field().map(f -> " at " + f).orElse(""));
      return;
    }
    if (!p.name().equals(record.key())) {
      skip(Skips.Reason.WRONG_KEY, "policy " + p.name());
      return;
    }
    if (olderThanKept(p)) {
      skips.count(Skips.Reason.STALE);
      LOG.debug("alert policy {} version {} is older than the one kept", p.name(), p.version());
      return;
    }
    store.put(p.name(), record.value());
    LOG.info("alert policy {} version {}", p.name(), p.version());
  }

  private boolean olderThanKept(AlertPolicySpec p) {
    byte[] kept = store.get(p.name());
    if (kept == null) {
      return false;
    }
    try {
      return codec.decodePolicy(kept).version() > p.version();
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
