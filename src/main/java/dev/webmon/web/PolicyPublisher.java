package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;

/**
 * Publishes alert policy changes to the compacted policies topic, which the alerter reads (it
 * never reads PostgreSQL). Each call returns only once the change is acknowledged by all in-sync
 * replicas, or throws. Thread-safe.
 */
public interface PolicyPublisher {
  /**
   * Publishes a version of a policy (key = name).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void publish(AlertPolicySpec spec);

  /**
   * Publishes the deletion of a policy: a tombstone (key = name, null value).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void delete(String name);
}
