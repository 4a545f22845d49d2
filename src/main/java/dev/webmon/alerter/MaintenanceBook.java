package dev.webmon.alerter;

import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The maintenance windows of one task and, per target, the {@link Mute} they make: read from the
 * global store by {@link #refresh} (once per tick, so a change takes effect at the next tick, as
 * for policies), the windows covering a target found once per target and change (its tags come
 * from its spec, {@code alerter-targets}) and their phases cached per window ({@link
 * WindowPhases}). With no window defined every target gets {@link Mute#NONE} without a lookup.
 * Not thread-safe: one per Streams task.
 */
final class MaintenanceBook {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceBook.class);

  private final ReadOnlyKeyValueStore<String, byte[]> store;
  private final ReadOnlyKeyValueStore<String, byte[]> watches;
  private final EventCodec codec;
  private Map<String, byte[]> read = Map.of();
  private List<WindowPhases> windows = List.of();
  private final Map<String, Mute> mutes = new HashMap<>();

  /**
   * @param store the global store of windows by id ({@link AlerterTopology#MAINTENANCE})
   * @param watches the task's target specs ({@link AlerterTopology#WATCHES}), for their tags
   */
  MaintenanceBook(ReadOnlyKeyValueStore<String, byte[]> store,
      ReadOnlyKeyValueStore<String, byte[]> watches, EventCodec codec) {
    this.store = store;
    this.watches = watches;
    this.codec = codec;
  }

  /** Re-reads the windows; forgets every cached mute when they changed, and says so. */
  boolean refresh() {
    Map<String, byte[]> now = new HashMap<>();
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        now.put(kv.key, kv.value);
      }
    }
    if (same(now, read)) {
      return false;
    }
    List<WindowPhases> decoded = new ArrayList<>(now.size());
    for (Map.Entry<String, byte[]> e : now.entrySet()) {
      try {
        MaintenanceWindow w = codec.decodeMaintenance(e.getValue());
        if (w.id().toString().equals(e.getKey())) {
          decoded.add(new WindowPhases(w));
        }
      } catch (DecodeException ex) {
        // Restoration copies the topic into the store unchecked; the processor logged it.
        LOG.debug("maintenance window {} unreadable: {}", e.getKey(), ex.error());
      }
    }
    read = now;
    windows = List.copyOf(decoded);
    mutes.clear();
    return true;
  }

  /** Forgets the mute of one target (its spec, so maybe its tags, changed or it was deleted). */
  void forget(String targetId) {
    mutes.remove(targetId);
  }

  /** The mute of a target the task has a spec of. */
  Mute mute(String targetId) {
    if (windows.isEmpty()) {
      return Mute.NONE;
    }
    Mute m = mutes.get(targetId);
    if (m == null) {
      byte[] w = watches.get(targetId);
      List<String> tags = w == null ? List.of() : StateCodec.decodeWatch(targetId, w).tags();
      List<WindowPhases> covering = new ArrayList<>(2);
      for (WindowPhases p : windows) {
        if (p.covers(targetId, tags)) {
          covering.add(p);
        }
      }
      m = Mute.of(covering);
      mutes.put(targetId, m);
    }
    return m;
  }

  /**
   * {@code next} (the target's {@link TargetAlerts#nextTick}), or the end of the window holding
   * back its availability incident when that comes first. A target whose verdict is not UP
   * without an open incident is held by a window (nothing else keeps one from opening); when it
   * is silent no result will judge it again, so a tick must, at the first instant the window may
   * no longer mute it.
   */
  Optional<Instant> nextTick(String targetId, TargetAlerts state, Optional<Instant> next) {
    if (windows.isEmpty()) {
      return next;
    }
    IncidentTracker a = state.availability();
    if (a.open().isPresent() || a.lastStatus() == Status.UP) {
      return next;
    }
    Optional<Instant> lift = mute(targetId).liftsAfter(a.lastAt());
    if (lift.isEmpty() || next.isPresent() && !lift.get().isBefore(next.get())) {
      return next;
    }
    return lift;
  }

  private static boolean same(Map<String, byte[]> a, Map<String, byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
