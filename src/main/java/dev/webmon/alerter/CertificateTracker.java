package dev.webmon.alerter;

import dev.webmon.event.CheckResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The certificate lane of one target, independent of availability: a result whose {@code
 * tlsExpiresAt} lies within {@code tlsExpiryWarningDays} of its own {@code startedAt} opens a
 * CERTIFICATE incident; a result showing a later certificate outside that window resolves it
 * (a later one still inside it is an UPDATED). A certificate older than the newest one seen
 * never opens an incident, so a load balancer still serving the old certificate on some nodes
 * does not reopen what the new one resolved. {@code tlsExpiryWarningDays = 0} turns the lane off
 * (an open incident resolves at the next result). Immutable.
 *
 * @param targetId the target
 * @param opened incidents opened so far in this lane (part of the next incident id)
 * @param newest the latest notAfter seen in any result
 * @param open the open incident
 */
record CertificateTracker(
    String targetId, long opened, Optional<Instant> newest, Optional<Incident> open) {

  /** The next tracker and the transitions to emit, in order (at most one). */
  record Step(CertificateTracker next, List<Transition> transitions) {
    Step {
      Objects.requireNonNull(next, "next");
      transitions = List.copyOf(transitions);
    }
  }

  CertificateTracker {
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(newest, "newest");
    Objects.requireNonNull(open, "open");
  }

  static CertificateTracker start(String targetId) {
    return new CertificateTracker(targetId, 0, Optional.empty(), Optional.empty());
  }

  /**
   * Judges the certificate of {@code r}, a result accepted as new; {@code v} as of {@code at}.
   * While {@code muted} (maintenance) nothing opens; an open incident changes as usual, and the
   * newest certificate is still recorded, so the next result not muted opens if it is still near.
   */
  Step step(CheckResult r, Policy p, Verdict v, Instant at, boolean muted) {
    if (r.tlsExpiresAt().isEmpty()) {
      return new Step(this, List.of());
    }
    Instant expires = r.tlsExpiresAt().get();
    int days = p.tlsExpiryWarningDays();
    boolean near = days > 0 && !expires.isAfter(r.startedAt().plus(Duration.ofDays(days)));
    Optional<Instant> latest =
        newest.filter(n -> n.isAfter(expires)).or(() -> Optional.of(expires));
    if (open.isPresent()) {
      Incident inc = open.get();
      Instant opening = inc.certificateExpiresAt().orElseThrow();
      if (days == 0 || (expires.isAfter(opening) && !near)) {
        Incident done = inc.next(Severity.CERTIFICATE, v);
        return new Step(new CertificateTracker(targetId, opened, latest, Optional.empty()),
            List.of(done.as(Transition.Kind.RESOLVED, targetId, at)));
      }
      if (expires.isAfter(opening)) {
        Incident renewed = inc.next(Severity.CERTIFICATE, v, Optional.of(expires));
        return new Step(new CertificateTracker(targetId, opened, latest, Optional.of(renewed)),
            List.of(renewed.as(Transition.Kind.UPDATED, targetId, at)));
      }
      return new Step(new CertificateTracker(targetId, opened, latest, open), List.of());
    }
    boolean older = newest.map(expires::isBefore).orElse(false);
    if (near && !older && !muted) {
      long count = opened + 1;
      UUID id = Incident.id(targetId, "certificate", count, r.resultId());
      Incident inc =
          Incident.opened(id, Severity.CERTIFICATE, at, r.resultId(), v, Optional.of(expires));
      return new Step(new CertificateTracker(targetId, count, latest, Optional.of(inc)),
          List.of(inc.as(Transition.Kind.OPENED, targetId, at)));
    }
    return new Step(
        latest.equals(newest) ? this : new CertificateTracker(targetId, opened, latest, open),
        List.of());
  }

  /** ACKNOWLEDGED, when {@code incident} is the open one and not yet acknowledged; else nothing. */
  Step acknowledge(UUID incident, Ack ack, Instant at) {
    if (open.isEmpty() || !open.get().id().equals(incident) || open.get().ack().isPresent()) {
      return new Step(this, List.of());
    }
    Incident acked = open.get().next(Optional.of(ack));
    return new Step(new CertificateTracker(targetId, opened, newest, Optional.of(acked)),
        List.of(acked.as(Transition.Kind.ACKNOWLEDGED, targetId, at)));
  }

  /** RESOLVED for the open incident (the target was deleted). */
  Step resolveAll(Instant at) {
    if (open.isEmpty()) {
      return new Step(this, List.of());
    }
    Incident done = open.get().next(open.get().ack());
    return new Step(new CertificateTracker(targetId, opened, newest, Optional.empty()),
        List.of(done.as(Transition.Kind.RESOLVED, targetId, at)));
  }
}
