package dev.webmon.alerter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A read-through cache of the decoded {@link TargetAlerts} in front of one task's {@code
 * alerter-state} store, so that a result does not decode the state it updates. Correct because
 * the task's {@link AlertProcessor} is the only writer of its store and writes through here; the
 * processor makes a new one whenever it is (re)initialised, which Streams does after (re)storing
 * the store from its changelog, e.g. after an aborted transaction. The states are
 * immutable, so a cached one is never changed behind the store's back. Bounded: at most {@code
 * capacity} states, least recently used out first (a miss only costs a decode). Not thread-safe.
 */
final class DecodedStates {
  private final KeyValueStore<String, byte[]> store;
  private final LinkedHashMap<String, TargetAlerts> cache;

  DecodedStates(KeyValueStore<String, byte[]> store, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    this.store = store;
    this.cache =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<String, TargetAlerts> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The stored state of the target, or its start when nothing is stored. */
  TargetAlerts orStart(String targetId) {
    TargetAlerts s = cached(targetId);
    return s == null ? TargetAlerts.start(targetId) : s;
  }

  /** The stored state of the target; empty when nothing is stored. */
  Optional<TargetAlerts> find(String targetId) {
    return Optional.ofNullable(cached(targetId));
  }

  /** Stores (and caches) the target's state. */
  void put(String targetId, TargetAlerts state) {
    store.put(targetId, StateCodec.encode(state));
    cache.put(targetId, state);
  }

  void delete(String targetId) {
    store.delete(targetId);
    cache.remove(targetId);
  }

  private TargetAlerts cached(String targetId) {
    TargetAlerts s = cache.get(targetId);
    if (s != null) {
      return s;
    }
    byte[] bytes = store.get(targetId);
    if (bytes == null) {
      return null;
    }
    s = StateCodec.decodeAlerts(targetId, bytes);
    cache.put(targetId, s);
    return s;
  }
}
