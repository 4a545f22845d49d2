package dev.webmon.sink;

import dev.webmon.event.CheckResult;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes consumed records into a batch: results, target changes and incident events, or dead
 * letters for the records refused (a {@link dev.webmon.event.DecodeError} name, or {@link
 * #WRONG_KEY} when the key is not the event's id). Counts consumed records and dead letters. Not
 * thread-safe (the consumer thread).
 */
final class RecordDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);
  static final String WRONG_KEY = "WRONG_KEY";
  private static final Pattern TARGET_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final EventCodec codec;
  private final String resultsTopic;
  private final String incidentsTopic;
  private final SinkMetrics metrics;

  /**
   * Records of {@code resultsTopic} are results, of {@code incidentsTopic} incident events, any
   * other's are targets.
   */
  RecordDecoder(EventCodec codec, String resultsTopic, String incidentsTopic, SinkMetrics metrics) {
    this.codec = codec;
    this.resultsTopic = resultsTopic;
    this.incidentsTopic = incidentsTopic;
    this.metrics = metrics;
  }

  /** Adds the record to the batch, whatever becomes of it (its offset moves either way). */
  void accept(ConsumerRecord<byte[], byte[]> r, Batch batch, long nowMillis) {
    batch.consumed(r, nowMillis);
    metrics.consumed(r.topic());
    if (r.topic().equals(resultsTopic)) {
      acceptResult(r, batch);
    } else if (r.topic().equals(incidentsTopic)) {
      acceptIncident(r, batch);
    } else {
      acceptTarget(r, batch);
    }
  }

  private void acceptResult(ConsumerRecord<byte[], byte[]> r, Batch batch) {
    CheckResult result;
    try {
      result = codec.decodeResult(r.value());
    } catch (DecodeException e) {
      dead(r, batch, e.error().name(), e.getMessage());
      return;
    }
    String key = key(r);
    if (!result.targetId().equals(key)) {
      dead(r, batch, WRONG_KEY, "key " + describeKey(key) + " is not the result's targetId '" + result.targetId() + "'");
      return;
    }
    batch.addResult(result, r);
  }

  private void acceptIncident(ConsumerRecord<byte[], byte[]> r, Batch batch) {
    IncidentEvent event;
    try {
      event = codec.decodeIncident(r.value());
    } catch (DecodeException e) {
      dead(r, batch, e.error().name(), e.getMessage());
      return;
    }
    String key = key(r);
    if (!event.targetId().equals(key)) {
      dead(r, batch, WRONG_KEY, "key " + describeKey(key) + " is not the incident's targetId '" + event.targetId() + "'");
      return;
    }
    batch.addIncident(event, r);
  }

  private void acceptTarget(ConsumerRecord<byte[], byte[]> r, Batch batch) {
    String key = key(r);
    if (key == null || !TARGET_ID.matcher(key).matches()) {
      dead(r, batch, WRONG_KEY, "key " + describeKey(key) + " is not a target id");
      return;
    }
    if (r.value() == null) {
      batch.addTargetChange(new Batch.Delete(key, r));
      return;
    }
    TargetSpec spec;
    try {
      spec = codec.decodeTarget(r.value());
    } catch (DecodeException e) {
      dead(r, batch, e.error().name(), e.getMessage());
      return;
    }
    if (!spec.id().equals(key)) {
      dead(r, batch, WRONG_KEY, "key " + describeKey(key) + " is not the target's id '" + spec.id() + "'");
      return;
    }
    batch.addTargetChange(new Batch.Upsert(spec, new String(r.value(), StandardCharsets.UTF_8), r));
  }

  private void dead(ConsumerRecord<byte[], byte[]> r, Batch batch, String reason, String detail) {
    metrics.deadLetter(reason);
    LOG.debug("Dead letter {}-{}@{}: {}: {}", r.topic(), r.partition(), r.offset(), reason, detail);
    batch.addDeadLetter(DeadLetters.letter(r, reason, detail));
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  private static String describeKey(String key) {
    if (key == null) {
      return "(none)";
    }
    String shown = key.length() > 80 ? key.substring(0, 80) + "..." : key;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
