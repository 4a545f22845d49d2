package dev.webmon.alerter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One target's incident bookkeeping: turns a sequence of {@link Verdict}s into {@link
 * Transition}s. Immutable: {@link #step} returns the next tracker with what to emit. Feed it
 * the verdict after every result and on every tick (punctuation); time comes only from the
 * verdicts, never from a clock.
 *
 * <p>One open incident at a time. Its severity follows the target status (DOWN → down,
 * DEGRADED → degraded, UNKNOWN → no-data); a change of severity or of the failing locations
 * (name and status) is an UPDATED. More than {@code flapChanges} target status changes within
 * {@code flapWindow} make the incident FLAPPING (opening one if none is open); while flapping,
 * changes emit nothing; once the status has not changed for {@code flapWindow} it is RESOLVED
 * if the target is UP, else it becomes an ordinary incident of the current severity again.
 *
 * @param targetId the target
 * @param lastStatus the target status of the previous verdict (UP before any)
 * @param lastAt the latest instant judged; earlier verdicts are treated as at this instant, so
 *     transition times never go backwards
 * @param changes instants of the recent status changes, oldest first (at most flapChanges + 1)
 * @param lastChange the instant of the newest status change
 * @param flapping whether the open incident is a FLAPPING one
 * @param opened incidents opened so far for this target (part of the next incident id)
 * @param open the open incident
 */
record IncidentTracker(
    String targetId,
    Status lastStatus,
    Instant lastAt,
    List<Instant> changes,
    Optional<Instant> lastChange,
    boolean flapping,
    long opened,
    Optional<Incident> open) {

  /** The open incident. */
  record Incident(
      UUID id, long seq, Severity severity, List<LocationVerdict> failing, UUID openingResultId) {
    Incident {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(severity, "severity");
      failing = List.copyOf(failing);
      Objects.requireNonNull(openingResultId, "openingResultId");
    }
  }

  /** The next tracker and the transitions to emit, in order. */
  record Step(IncidentTracker next, List<Transition> transitions) {
    Step {
      Objects.requireNonNull(next, "next");
      transitions = List.copyOf(transitions);
    }
  }

  IncidentTracker {
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(lastStatus, "lastStatus");
    Objects.requireNonNull(lastAt, "lastAt");
    changes = List.copyOf(changes);
    Objects.requireNonNull(lastChange, "lastChange");
    Objects.requireNonNull(open, "open");
    if (flapping && open.isEmpty()) {
      throw new IllegalArgumentException("flapping without an open incident");
    }
  }

  static IncidentTracker start(String targetId) {
    return new IncidentTracker(
        targetId, Status.UP, Instant.MIN, List.of(), Optional.empty(), false, 0, Optional.empty());
  }

  /** Judges {@code v}; a verdict of a target never seen (no result) changes nothing. */
  Step step(Verdict v, Policy p) {
    if (v.newestResultId().isEmpty()) {
      return new Step(this, List.of());
    }
    UUID newest = v.newestResultId().get();
    Instant at = v.at().isAfter(lastAt) ? v.at() : lastAt;
    Status status = v.status();
    boolean changed = status != lastStatus;
    Instant from = at.minus(p.flapWindow());
    List<Instant> recent = new ArrayList<>(changes.size() + 1);
    for (Instant c : changes) {
      if (!c.isBefore(from)) {
        recent.add(c);
      }
    }
    if (changed) {
      recent.add(at);
    }
    while (recent.size() > p.flapChanges() + 1) {
      recent.remove(0);
    }
    Optional<Instant> changedAt = changed ? Optional.of(at) : lastChange;
    List<Transition> out = new ArrayList<>(2);
    Optional<Incident> inc = open;
    boolean flaps = flapping;
    long count = opened;
    if (!flapping && recent.size() > p.flapChanges()) {
      flaps = true;
      if (inc.isPresent()) {
        inc = Optional.of(emit(out, inc.get(), Transition.Kind.UPDATED, Severity.FLAPPING, v, at));
      } else {
        count++;
        inc = Optional.of(opened(out, count, newest, Severity.FLAPPING, v, at));
      }
    } else if (flapping) {
      boolean stable = changedAt.map(c -> !c.isAfter(from)).orElse(true);
      if (stable) {
        flaps = false;
        inc = settle(out, inc.orElseThrow(), status, v, at, true);
      }
    } else if (inc.isEmpty()) {
      if (status != Status.UP) {
        count++;
        inc = Optional.of(opened(out, count, newest, Severity.of(status), v, at));
      }
    } else {
      inc = settle(out, inc.get(), status, v, at, false);
    }
    IncidentTracker next =
        new IncidentTracker(targetId, status, at, recent, changedAt, flaps, count, inc);
    return new Step(next, out);
  }

  /** RESOLVED when UP, else UPDATED when severity or failing locations differ (or forced). */
  private Optional<Incident> settle(
      List<Transition> out, Incident inc, Status status, Verdict v, Instant at, boolean force) {
    if (status == Status.UP) {
      out.add(new Transition(inc.id(), targetId, inc.seq() + 1, Transition.Kind.RESOLVED,
          inc.severity(), at, List.of(), inc.openingResultId()));
      return Optional.empty();
    }
    Severity severity = Severity.of(status);
    if (force || severity != inc.severity() || !sameLocations(inc.failing(), v.failing())) {
      return Optional.of(emit(out, inc, Transition.Kind.UPDATED, severity, v, at));
    }
    return Optional.of(inc);
  }

  private Incident opened(
      List<Transition> out, long count, UUID result, Severity severity, Verdict v, Instant at) {
    UUID id = incidentId(targetId, count, result);
    out.add(new Transition(id, targetId, 1, Transition.Kind.OPENED, severity, at, v.failing(),
        result));
    return new Incident(id, 1, severity, v.failing(), result);
  }

  private Incident emit(
      List<Transition> out, Incident inc, Transition.Kind kind, Severity severity, Verdict v,
      Instant at) {
    long seq = inc.seq() + 1;
    out.add(new Transition(inc.id(), targetId, seq, kind, severity, at, v.failing(),
        inc.openingResultId()));
    return new Incident(inc.id(), seq, severity, v.failing(), inc.openingResultId());
  }

  private static boolean sameLocations(List<LocationVerdict> a, List<LocationVerdict> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).location().equals(b.get(i).location())
          || a.get(i).status() != b.get(i).status()) {
        return false;
      }
    }
    return true;
  }

  /** Name-based, so replaying the same results from the same state yields the same id. */
  static UUID incidentId(String targetId, long count, UUID openingResult) {
    String name = targetId + "/" + count + "/" + openingResult;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
