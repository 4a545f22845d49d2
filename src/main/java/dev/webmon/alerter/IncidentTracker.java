package dev.webmon.alerter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The availability lane of one target: turns a sequence of {@link Verdict}s into {@link
 * Transition}s. Immutable: {@link #step} returns the next tracker with what to emit. Feed it the
 * verdict after every result and on every tick (punctuation); time comes only from the verdicts
 * and acknowledgements, never from a clock.
 *
 * <p>One open incident at a time. Its severity follows the target status (DOWN → down,
 * DEGRADED → degraded, UNKNOWN → no-data); a change of severity or of the failing locations
 * (name and status) is an UPDATED. More than {@code flapChanges} target status changes within
 * {@code flapWindow} make the incident FLAPPING (opening one if none is open); while flapping,
 * changes emit nothing; once the status has not changed for {@code flapWindow} it is RESOLVED
 * if the target is UP, else it becomes an ordinary incident of the current severity again. An
 * acknowledgement of the open incident emits ACKNOWLEDGED once; the incident keeps changing.
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

  /** {@code at}, or {@link #lastAt} when that is later: transition times never go backwards. */
  Instant notBefore(Instant at) {
    return at.isAfter(lastAt) ? at : lastAt;
  }

  /**
   * Judges {@code v}; a verdict of a target never seen (no result) changes nothing. While {@code
   * muted} (a maintenance window covers the target at the verdict's instant) nothing opens, of
   * any severity, and with no incident open a status change is no flapping evidence (the changes
   * a maintenance makes do not open a flapping incident after it); an open incident changes as
   * usual. Opening is level-triggered: the first verdict not muted and not UP opens.
   */
  Step step(Verdict v, Policy p, boolean muted) {
    if (v.newestResultId().isEmpty()) {
      return new Step(this, List.of());
    }
    UUID newest = v.newestResultId().get();
    Instant at = notBefore(v.at());
    Status status = v.status();
    boolean changed = status != lastStatus;
    Instant from = at.minus(p.flapWindow());
    List<Instant> recent = new ArrayList<>(changes.size() + 1);
    for (Instant c : changes) {
      if (!c.isBefore(from)) {
        recent.add(c);
      }
    }
    boolean held = muted && open.isEmpty();
    if (changed && !held) {
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
    if (!flapping && !held && recent.size() > p.flapChanges()) {
      flaps = true;
      if (inc.isPresent()) {
        Incident flapped = inc.get().next(Severity.FLAPPING, v);
        inc = Optional.of(emit(out, flapped, Transition.Kind.UPDATED, at));
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
      if (status != Status.UP && !muted) {
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

  /**
   * ACKNOWLEDGED, when {@code incident} is the open incident and not yet acknowledged; else
   * nothing (no transitions).
   */
  Step acknowledge(UUID incident, Ack ack) {
    if (open.isEmpty() || !open.get().id().equals(incident) || open.get().ack().isPresent()) {
      return new Step(this, List.of());
    }
    Instant at = notBefore(ack.at());
    List<Transition> out = new ArrayList<>(1);
    Incident inc = emit(out, open.get().next(Optional.of(ack)), Transition.Kind.ACKNOWLEDGED, at);
    return new Step(
        new IncidentTracker(targetId, lastStatus, at, changes, lastChange, flapping, opened,
            Optional.of(inc)),
        out);
  }

  /** RESOLVED for the open incident (the target was deleted); the tracker after it is fresh. */
  Step resolveAll(Instant when) {
    if (open.isEmpty()) {
      return new Step(this, List.of());
    }
    Instant at = notBefore(when);
    List<Transition> out = new ArrayList<>(1);
    emit(out, open.get().next(open.get().ack()), Transition.Kind.RESOLVED, at);
    return new Step(
        new IncidentTracker(targetId, Status.UP, at, List.of(), Optional.empty(), false, opened,
            Optional.empty()),
        out);
  }

  /** RESOLVED when UP, else UPDATED when severity or failing locations differ (or forced). */
  private Optional<Incident> settle(
      List<Transition> out, Incident inc, Status status, Verdict v, Instant at, boolean force) {
    if (status == Status.UP) {
      emit(out, inc.next(inc.severity(), v), Transition.Kind.RESOLVED, at);
      return Optional.empty();
    }
    Severity severity = Severity.of(status);
    if (force || severity != inc.severity() || !v.sameFailing(inc.locations())) {
      return Optional.of(emit(out, inc.next(severity, v), Transition.Kind.UPDATED, at));
    }
    return Optional.of(inc);
  }

  private Incident opened(
      List<Transition> out, long count, UUID result, Severity severity, Verdict v, Instant at) {
    Incident inc =
        Incident.opened(Incident.id(targetId, "", count, result), severity, at, result, v,
            Optional.empty());
    return emit(out, inc, Transition.Kind.OPENED, at);
  }

  private Incident emit(List<Transition> out, Incident inc, Transition.Kind kind, Instant at) {
    out.add(inc.as(kind, targetId, at));
    return inc;
  }
}
