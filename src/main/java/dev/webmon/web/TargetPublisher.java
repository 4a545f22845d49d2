package dev.webmon.web;

import dev.webmon.WebmonException;
import dev.webmon.event.TargetSpec;
import java.util.BitSet;
import java.util.List;

/**
 * Publishes target changes to the compacted targets topic, the source of truth. Each call returns
 * only once the change is acknowledged by all in-sync replicas, or throws. Thread-safe.
 */
public interface TargetPublisher extends AutoCloseable {
  /**
   * Publishes a new version of a target (key = id).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void publish(TargetSpec spec);

  /**
   * Publishes many new versions and returns once each is acknowledged or has failed. Records of
   * different targets may be acknowledged independently (they live on different partitions), so
   * the answer is a set: bit {@code i} is set when {@code specs.get(i)} was acknowledged. After a
   * failure the rest may be left unsent. This default publishes one at a time; a real publisher
   * pipelines them.
   */
  default BitSet publishAll(List<TargetSpec> specs) {
    BitSet acknowledged = new BitSet(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      try {
        publish(specs.get(i));
      } catch (WebmonException e) {
        break;
      }
      acknowledged.set(i);
    }
    return acknowledged;
  }

  /**
   * Publishes the deletion of a target: a tombstone (key = id, null value).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void delete(String id);

  @Override
  void close();
}
