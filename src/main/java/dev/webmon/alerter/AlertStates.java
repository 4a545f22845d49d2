package dev.webmon.alerter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * The {@code alerter-state} store: per target its decoded {@link TargetAlerts}, written behind to
 * an in-memory key-value store with a changelog ({@link StateCodec} bytes) once per commit, so a
 * result costs no encoding and no store write, only a map put; each target changed since the last
 * commit is encoded once at the commit.
 *
 * <p>The write happens in {@link #flushCache}: before a commit Streams 4.3 calls {@code
 * flushCache()} on every task store that is a {@link CachedStateStore} ({@code
 * StreamTask.prepareCommit} → {@code ProcessorStateManager.flushCache}), then flushes the record
 * collector and commits the transaction; so the changelog records are part of the commit's
 * transaction, as a caching store's are. ({@code commit()} comes only after the transaction, too
 * late.) {@code alerterStateIsWrittenInTheCommit} in AlerterTopologyTest
 * fails if an upgrade stops calling it. After an aborted transaction Streams closes the task
 * dirty and initialises it again: {@link #init} drops every object kept and the store beneath is
 * restored from the changelog.
 *
 * <p>Committed states are kept decoded, least recently used first out beyond {@code capacity}
 * (a miss costs one decode); states changed since the last commit are all kept until it. Only the
 * task's {@link AlertProcessor} uses it, on the stream thread: not thread-safe.
 */
final class AlertStates implements StateStore, CachedStateStore<String, byte[]> {
  private final KeyValueStore<String, byte[]> committed;
  private final int capacity;
  private final Map<String, TargetAlerts> changed = new HashMap<>();
  private final Set<String> deleted = new HashSet<>();
  private final LinkedHashMap<String, TargetAlerts> decoded;

  private AlertStates(KeyValueStore<String, byte[]> committed, int capacity) {
    this.committed = committed;
    this.capacity = capacity;
    this.decoded = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, true);
  }

  /**
   * The store named {@code name}: an in-memory store with a changelog (compacted, created by
   * Streams as {@code <application.id>-<name>-changelog}) beneath the decoded states.
   */
  static StoreBuilder<AlertStates> builder(String name, int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, was " + capacity);
    }
    return new Builder(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(),
                Serdes.ByteArray())
            .withCachingDisabled()
            .withLoggingEnabled(Map.of()),
        capacity);
  }

  /** The stored state of the target, or its start when nothing is stored. */
  TargetAlerts orStart(String targetId) {
    TargetAlerts s = get(targetId);
    return s == null ? TargetAlerts.start(targetId) : s;
  }

  /** The stored state of the target; empty when nothing is stored. */
  Optional<TargetAlerts> find(String targetId) {
    return Optional.ofNullable(get(targetId));
  }

  /** Whether a state of the target is stored, without decoding it. */
  boolean contains(String targetId) {
    if (changed.containsKey(targetId) || decoded.containsKey(targetId)) {
      return true;
    }
    return !deleted.contains(targetId) && committed.get(targetId) != null;
  }

  /** Stores the target's state; it reaches the changelog at the next commit. */
  void put(String targetId, TargetAlerts state) {
    changed.put(targetId, state);
    deleted.remove(targetId);
  }

  void delete(String targetId) {
    changed.remove(targetId);
    decoded.remove(targetId);
    deleted.add(targetId);
  }

  /** The ids of every target with a stored state. */
  List<String> keys() {
    Set<String> keys = new LinkedHashSet<>();
    try (KeyValueIterator<String, byte[]> it = committed.all()) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.removeAll(deleted);
    keys.addAll(changed.keySet());
    return new ArrayList<>(keys);
  }

  /** The committed bytes beneath (what the changelog holds after the last commit). */
  KeyValueStore<String, byte[]> bytes() {
    return committed;
  }

  private TargetAlerts get(String targetId) {
    TargetAlerts s = changed.get(targetId);
    if (s != null) {
      return s;
    }
    s = decoded.get(targetId);
    if (s != null || deleted.contains(targetId)) {
      return s;
    }
    byte[] bytes = committed.get(targetId);
    if (bytes == null) {
      return null;
    }
    s = StateCodec.decodeAlerts(targetId, bytes);
    remember(targetId, s);
    return s;
  }

  private void remember(String targetId, TargetAlerts s) {
    decoded.put(targetId, s);
    if (decoded.size() > capacity) {
      var eldest = decoded.keySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  /** Writes the states changed since the last commit to the store beneath (and its changelog). */
  @Override
  public void flushCache() {
    for (String key : deleted) {
      committed.delete(key);
    }
    deleted.clear();
    for (Map.Entry<String, TargetAlerts> e : changed.entrySet()) {
      committed.put(e.getKey(), StateCodec.encode(e.getValue()));
      remember(e.getKey(), e.getValue());
    }
    changed.clear();
  }

  /** Drops every state not yet written and every decoded one. */
  @Override
  public void clearCache() {
    changed.clear();
    deleted.clear();
    decoded.clear();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
    return false;
  }

  @Override
  public String name() {
    return committed.name();
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    clearCache();
    committed.init(context, root);
  }

  @Override
  public void commit(Map<TopicPartition, Long> changelogOffsets) {
    committed.commit(changelogOffsets);
  }

  @Override
  public void close() {
    clearCache();
    committed.close();
  }

  @Override
  public boolean persistent() {
    return committed.persistent();
  }

  @Override
  public boolean isOpen() {
    return committed.isOpen();
  }

  /** Builds the store over the logged in-memory store; caching and logging are fixed. */
  private record Builder(StoreBuilder<KeyValueStore<String, byte[]>> inner, int capacity)
      implements StoreBuilder<AlertStates> {
    @Override
    public StoreBuilder<AlertStates> withCachingEnabled() {
      throw new UnsupportedOperationException("the alert states are their own cache");
    }

    @Override
    public StoreBuilder<AlertStates> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<AlertStates> withLoggingEnabled(Map<String, String> config) {
      inner.withLoggingEnabled(config);
      return this;
    }

    @Override
    public StoreBuilder<AlertStates> withLoggingDisabled() {
      throw new UnsupportedOperationException("the alert states need their changelog");
    }

    @Override
    public AlertStates build() {
      return new AlertStates(inner.build(), capacity);
    }

    @Override
    public Map<String, String> logConfig() {
      return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
      return inner.loggingEnabled();
    }

    @Override
    public String name() {
      return inner.name();
    }
  }
}
