package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything the alerter keeps about one target: its locations and both incident lanes. The unit
 * the Streams topology stores per target (see {@link AlertStateSerde}). Immutable.
 *
 * <p>The target has one clock, {@link IncidentTracker#lastAt} of its availability lane: a result
 * is judged at its own {@code startedAt} unless a tick or another location already judged a later
 * instant, and then at that instant. That only matters for silence (evidence does not depend on
 * time) and keeps a result that arrives a little late from waking a location a tick already
 * found silent.
 *
 * @param locations every location's state
 * @param availability the down / degraded / no-data / flapping lane
 * @param certificate the certificate lane
 */
record TargetAlerts(
    TargetState locations, IncidentTracker availability, CertificateTracker certificate) {

  /**
   * The state after an input and what to emit. {@code changed} is false when nothing worth storing
   * changed: a tick that only advanced the clock is not written back, so quiet targets cost no
   * changelog writes.
   */
  record Step(TargetAlerts next, List<Transition> transitions, boolean changed) {
    Step {
      Objects.requireNonNull(next, "next");
      transitions = List.copyOf(transitions);
    }
  }

  TargetAlerts {
    Objects.requireNonNull(locations, "locations");
    Objects.requireNonNull(availability, "availability");
    Objects.requireNonNull(certificate, "certificate");
  }

  static TargetAlerts start(String targetId) {
    return new TargetAlerts(TargetState.empty(targetId), IncidentTracker.start(targetId),
        CertificateTracker.start(targetId));
  }

  String targetId() {
    return locations.targetId();
  }

  /** Whether either lane has an open incident. */
  boolean anyOpen() {
    return availability.open().isPresent() || certificate.open().isPresent();
  }

  /** Judges a result of this target; a late or duplicate one changes nothing. */
  Step onResult(CheckResult r, Policy p, Duration silenceAfter) {
    TargetState next = locations.apply(r, p);
    if (next == locations) {
      return new Step(this, List.of(), false);
    }
    Instant at = availability.notBefore(r.startedAt());
    Verdict v = next.verdict(at, silenceAfter, p);
    IncidentTracker.Step a = availability.step(v, p);
    CertificateTracker.Step c = certificate.step(r, p, v, at);
    List<Transition> out = new ArrayList<>(a.transitions());
    out.addAll(c.transitions());
    return new Step(new TargetAlerts(next, a.next(), c.next()), out, true);
  }

  /** Judges the target at {@code now} (a tick): silence and flapping stability. */
  Step onTick(Instant now, Policy p, Duration silenceAfter) {
    Verdict v = locations.verdict(availability.notBefore(now), silenceAfter, p);
    IncidentTracker.Step a = availability.step(v, p);
    boolean changed =
        !a.transitions().isEmpty() || a.next().lastStatus() != availability.lastStatus();
    return new Step(new TargetAlerts(locations, a.next(), certificate), a.transitions(), changed);
  }

  /** ACKNOWLEDGED when {@code incident} is open in either lane and not yet acknowledged. */
  Step onAck(UUID incident, Ack ack) {
    IncidentTracker.Step a = availability.acknowledge(incident, ack);
    if (!a.transitions().isEmpty()) {
      return new Step(new TargetAlerts(locations, a.next(), certificate), a.transitions(), true);
    }
    Instant at = availability.notBefore(ack.at());
    CertificateTracker.Step c = certificate.acknowledge(incident, ack, at);
    if (c.transitions().isEmpty()) {
      return new Step(this, List.of(), false);
    }
    return new Step(new TargetAlerts(locations, availability.touched(at), c.next()),
        c.transitions(), true);
  }

  /** RESOLVED for every open incident: the target was deleted at {@code at}. */
  List<Transition> onDeleted(Instant at) {
    Instant when = availability.notBefore(at);
    List<Transition> out = new ArrayList<>(availability.resolveAll(when).transitions());
    out.addAll(certificate.resolveAll(when).transitions());
    return out;
  }
}
