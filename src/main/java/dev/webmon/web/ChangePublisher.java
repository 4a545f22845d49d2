package dev.webmon.web;

/**
 * Publishes the changes of one kind of keyed value to its compacted topic, which the other
 * components read (they never read PostgreSQL). Each call returns only once the change is
 * acknowledged by all in-sync replicas, or throws. Thread-safe.
 *
 * @param <T> the value, encoded by {@link dev.webmon.event.EventCodec}
 */
public interface ChangePublisher<T> {
  /**
   * Publishes a version of a value (key = its key).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void publish(T value);

  /**
   * Publishes the deletion of a value: a tombstone (null value).
   *
   * @throws dev.webmon.WebmonException (HTTP 503) if Kafka did not acknowledge it in time
   */
  void delete(String key);
}
