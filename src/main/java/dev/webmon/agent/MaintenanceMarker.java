package dev.webmon.agent;

import dev.webmon.event.CheckResult;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import dev.webmon.event.TargetSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sets {@link CheckResult#maintenance()} on the results of a target that a known maintenance
 * window mutes at the result's {@code startedAt} ({@link MaintenanceWindow#mutes}; several windows:
 * the union). The windows come from {@link MaintenanceFeed} through {@link #update}.
 *
 * <p>Cheap per result: with no window it is one volatile read. Otherwise the windows covering a
 * target are cached per target version (scopes may list 1000 ids), and each window's {@link
 * MaintenanceSchedule.Phase} is cached once for all targets (a schedule does not depend on the
 * target) and recomputed only when a result falls outside its {@code [since, until)} — so a cron
 * schedule is evaluated about twice per occurrence, not per result. Both caches start afresh on
 * every change of the windows. Entries of deleted targets stay until then, at most {@value
 * #MAX_TARGETS} (then the cache is emptied).
 *
 * <p>Thread-safe: {@link #update} from the feed's thread, {@link #mark} from any check worker.
 */
final class MaintenanceMarker {
  static final int MAX_TARGETS = 500_000;

  /** The windows of one update, with the phase last seen of each. */
  private record Windows(long generation, List<MaintenanceWindow> all, AtomicReferenceArray<MaintenanceSchedule.Phase> phases) {}

  /** The windows (indexes into {@link Windows#all}) covering one version of a target. */
  private record Covering(long generation, long targetVersion, int[] windows) {}

  private static final int[] NONE = new int[0];

  private volatile Windows windows = new Windows(0, List.of(), new AtomicReferenceArray<>(0));
  private final ConcurrentHashMap<String, Covering> covering = new ConcurrentHashMap<>();
  private final LongAdder phaseComputations = new LongAdder();

  /** Replaces the known windows. */
  void update(Collection<MaintenanceWindow> all) {
    List<MaintenanceWindow> copy = List.copyOf(all);
    windows = new Windows(windows.generation() + 1, copy, new AtomicReferenceArray<>(copy.size()));
    covering.clear();
  }

  /** How many windows are known. */
  int windowCount() {
    return windows.all().size();
  }

  /** How often a schedule's phase was computed (the cost the cache saves; its test reads it). */
  long phaseComputations() {
    return phaseComputations.sum();
  }

  /** {@code result}, with {@code maintenance} set if a known window mutes {@code target} at its start. */
  CheckResult mark(TargetSpec target, CheckResult result) {
    Windows w = windows;
    if (w.all().isEmpty()) {
      return result;
    }
    return result.withMaintenance(inMaintenance(w, target, result.startedAt()));
  }

  private boolean inMaintenance(Windows w, TargetSpec target, Instant t) {
    for (int i : covering(w, target)) {
      MaintenanceSchedule.Phase phase = w.phases().get(i);
      if (phase == null || !phase.holdsAt(t)) {
        phase = w.all().get(i).schedule().phaseAt(t);
        phaseComputations.increment();
        w.phases().set(i, phase); // results of other targets may race here: each phase is valid
      }
      if (phase.active()) {
        return true;
      }
    }
    return false;
  }

  private int[] covering(Windows w, TargetSpec target) {
    Covering c = covering.get(target.id());
    if (c != null && c.generation() == w.generation() && c.targetVersion() == target.version()) {
      return c.windows();
    }
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < w.all().size(); i++) {
      if (w.all().get(i).scope().covers(target.id(), target.tags())) {
        found.add(i);
      }
    }
    int[] indexes = found.isEmpty() ? NONE : found.stream().mapToInt(Integer::intValue).toArray();
    if (covering.size() >= MAX_TARGETS) {
      covering.clear();
    }
    // An entry of an older generation put after update() cleared the map is ignored by its generation.
    covering.put(target.id(), new Covering(w.generation(), target.version(), indexes));
    return indexes;
  }
}
