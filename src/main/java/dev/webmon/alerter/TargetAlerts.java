package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything the alerter keeps about one target: its locations and both incident lanes. The unit
 * the Streams topology stores per target (see {@link AlertStates}, {@link StateCodec}). Immutable.
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

  /** {@link #onResult(CheckResult, Policy, Duration, Mute)} with no maintenance. */
  Step onResult(CheckResult r, Policy p, Duration silenceAfter) {
    return onResult(r, p, silenceAfter, Mute.NONE);
  }

  /**
   * Judges a result of this target; a late or duplicate one changes nothing. Nothing opens while
   * {@code mute} holds at the instant judged.
   */
  Step onResult(CheckResult r, Policy p, Duration silenceAfter, Mute mute) {
    TargetState next = locations.apply(r, p);
    if (next == locations) {
      return new Step(this, List.of(), false);
    }
    Instant at = availability.notBefore(r.startedAt());
    boolean muted = mute.at(at);
    Verdict v = next.verdict(at, silenceAfter, p);
    IncidentTracker.Step a = availability.step(v, p, muted);
    CertificateTracker.Step c = certificate.step(r, p, v, at, muted);
    List<Transition> out = new ArrayList<>(a.transitions());
    out.addAll(c.transitions());
    return new Step(new TargetAlerts(next, a.next(), c.next()), out, true);
  }

  /** {@link #onTick(Instant, Policy, Duration, Mute)} with no maintenance. */
  Step onTick(Instant now, Policy p, Duration silenceAfter) {
    return onTick(now, p, silenceAfter, Mute.NONE);
  }

  /**
   * Judges the target at {@code now} (a tick): silence, flapping stability, and the end of a
   * maintenance ({@code mute}) that held an incident back.
   */
  Step onTick(Instant now, Policy p, Duration silenceAfter, Mute mute) {
    Instant at = availability.notBefore(now);
    Verdict v = locations.verdict(at, silenceAfter, p);
    IncidentTracker.Step a = availability.step(v, p, mute.at(at));
    boolean changed =
        !a.transitions().isEmpty() || a.next().lastStatus() != availability.lastStatus();
    return new Step(new TargetAlerts(locations, a.next(), certificate), a.transitions(), changed);
  }

  /**
   * The earliest instant at which a tick could change anything: when a location not yet silent
   * at the last instant judged becomes silent, or when a flapping incident has been stable for
   * {@code flapWindow}. Nothing else changes between inputs (the other rules act on results). A
   * tick before it is a no-op, so the topology judges only the targets due; empty when no tick can
   * change anything before the next input.
   */
  Optional<Instant> nextTick(Policy p, Duration silenceAfter) {
    Instant judged = availability.lastAt();
    Instant next = null;
    for (LocationState l : locations.locations().values()) {
      Instant quietUntil = l.lastStartedAt().plus(silenceAfter); // silent once past it
      if (!judged.isAfter(quietUntil)) {
        Instant silent = quietUntil.plusNanos(1);
        next = next == null || silent.isBefore(next) ? silent : next;
      }
    }
    if (availability.flapping()) {
      Instant stable = availability.lastChange().map(c -> c.plus(p.flapWindow())).orElse(judged);
      next = next == null || stable.isBefore(next) ? stable : next;
    }
    return Optional.ofNullable(next);
  }

  /**
   * ACKNOWLEDGED when {@code incident} is open in either lane and not yet acknowledged. The ack's
   * instant is judged first, as a tick would (so the target's clock is always the instant last
   * judged, which {@link #nextTick} relies on); that may emit transitions of its own, before.
   */
  Step onAck(UUID incident, Ack ack, Policy p, Duration silenceAfter) {
    return onAck(incident, ack, p, silenceAfter, Mute.NONE);
  }

  /** {@link #onAck(UUID, Ack, Policy, Duration)}, its instant judged under {@code mute}. */
  Step onAck(UUID incident, Ack ack, Policy p, Duration silenceAfter, Mute mute) {
    Step judged = onTick(ack.at(), p, silenceAfter, mute);
    TargetAlerts s = judged.next();
    List<Transition> out = new ArrayList<>(judged.transitions());
    IncidentTracker.Step a = s.availability.acknowledge(incident, ack);
    if (!a.transitions().isEmpty()) {
      out.addAll(a.transitions());
      return new Step(new TargetAlerts(s.locations, a.next(), s.certificate), out, true);
    }
    Instant at = s.availability.notBefore(ack.at());
    CertificateTracker.Step c = s.certificate.acknowledge(incident, ack, at);
    if (!c.transitions().isEmpty()) {
      out.addAll(c.transitions());
      return new Step(new TargetAlerts(s.locations, s.availability, c.next()), out, true);
    }
    return judged;
  }

  /** RESOLVED for every open incident: the target was deleted at {@code at}. */
  List<Transition> onDeleted(Instant at) {
    Instant when = availability.notBefore(at);
    List<Transition> out = new ArrayList<>(availability.resolveAll(when).transitions());
    out.addAll(certificate.resolveAll(when).transitions());
    return out;
  }
}
