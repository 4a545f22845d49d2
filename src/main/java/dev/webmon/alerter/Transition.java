package dev.webmon.alerter;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One change of an incident, what the alerter emits (as an {@code IncidentEvent}).
 *
 * @param incidentId stable: derived from the target id, lane, incident count and opening result
 * @param targetId the target
 * @param seq 1 for OPENED, then +1 per transition of the same incident
 * @param kind what happened
 * @param severity the incident's severity after this transition
 * @param at when (a result's startedAt, the instant a tick judged, an ack's or a deletion's)
 * @param openedAt when the incident opened
 * @param locations the locations not UP behind it (DOWN, DEGRADED or silent), by name; empty on
 *     RESOLVED
 * @param cause the result that was newest when the incident opened
 * @param quorum the k of the verdict behind it
 * @param reporting the locations reporting (not silent) at that verdict
 * @param ack the acknowledgement, from ACKNOWLEDGED on
 * @param certificateExpiresAt the certificate's notAfter, for severity CERTIFICATE
 */
record Transition(
    UUID incidentId,
    String targetId,
    long seq,
    Kind kind,
    Severity severity,
    Instant at,
    Instant openedAt,
    List<LocationVerdict> locations,
    UUID cause,
    int quorum,
    int reporting,
    Optional<Ack> ack,
    Optional<Instant> certificateExpiresAt) {

  enum Kind {
    OPENED,
    UPDATED,
    ACKNOWLEDGED,
    RESOLVED
  }

  Transition {
    Objects.requireNonNull(incidentId, "incidentId");
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(openedAt, "openedAt");
    locations = List.copyOf(locations);
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(ack, "ack");
    Objects.requireNonNull(certificateExpiresAt, "certificateExpiresAt");
  }
}
