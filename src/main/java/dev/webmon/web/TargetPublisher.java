package dev.webmon.web;

import dev.webmon.event.TargetSpec;

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
   * Publishes the deletion of a target: a tombstone (key = id, null value).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void delete(String id);

  @Override
  void close();
}
