package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Every location's state for one target. Immutable: {@link #apply} returns the next state.
 *
 * @param targetId the target
 * @param locations by location name
 */
record TargetState(String targetId, SortedMap<String, LocationState> locations) {

  TargetState {
    Objects.requireNonNull(targetId, "targetId");
    locations = Collections.unmodifiableSortedMap(new TreeMap<>(locations));
  }

  static TargetState empty(String targetId) {
    return new TargetState(targetId, new TreeMap<>());
  }

  /**
   * The state after {@code r} (a result of this target). A late or duplicate result returns
   * {@code this}; callers then skip judging, since a verdict at that old instant could find a
   * now-silent location still reporting.
   */
  TargetState apply(CheckResult r, Policy p) {
    if (!r.targetId().equals(targetId)) {
      throw new IllegalArgumentException(
          "result of target " + r.targetId() + " fed to the state of " + targetId);
    }
    LocationState old = locations.get(r.location());
    LocationState next = old == null ? LocationState.first(r, p) : old.apply(r, p);
    if (next == old) {
      return this;
    }
    TreeMap<String, LocationState> copy = new TreeMap<>(locations);
    copy.put(r.location(), next);
    return new TargetState(targetId, copy);
  }

  /**
   * The target's status at {@code now}: DOWN when at least k reporting locations are DOWN,
   * DEGRADED when at least k are DEGRADED or DOWN, UNKNOWN when every location is silent (or none
   * was ever seen), else UP. k is {@link Policy#quorumFor} the locations reporting at {@code now}.
   */
  Verdict verdict(Instant now, Duration silenceAfter, Policy p) {
    int reporting = 0;
    int down = 0;
    int degraded = 0;
    List<LocationVerdict> all = new ArrayList<>(locations.size());
    Optional<UUID> newest = Optional.empty();
    Instant newestAt = Instant.MIN;
    for (Map.Entry<String, LocationState> e : locations.entrySet()) {
      LocationState l = e.getValue();
      Status s = l.statusAt(now, silenceAfter);
      if (l.lastStartedAt().isAfter(newestAt)) {
        newestAt = l.lastStartedAt();
        newest = Optional.of(l.lastResultId());
      }
      if (s != Status.UNKNOWN) {
        reporting++;
      }
      if (s == Status.DOWN) {
        down++;
      } else if (s == Status.DEGRADED) {
        degraded++;
      }
      all.add(s == Status.UNKNOWN
          ? new LocationVerdict(e.getKey(), s, Optional.empty(), Optional.empty())
          : new LocationVerdict(e.getKey(), s, l.reason(), l.since()));
    }
    int k = p.quorumFor(reporting);
    Status status;
    if (reporting == 0) {
      status = Status.UNKNOWN;
    } else if (down >= k) {
      status = Status.DOWN;
    } else if (down + degraded >= k) {
      status = Status.DEGRADED;
    } else {
      status = Status.UP;
    }
    return new Verdict(status, now, k, reporting, all, newest);
  }
}
