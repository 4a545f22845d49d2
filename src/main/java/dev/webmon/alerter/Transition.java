package dev.webmon.alerter;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One change of an incident, what the alerter emits.
 *
 * @param incidentId stable: derived from the target id, its incident count and the opening result
 * @param targetId the target
 * @param seq 1 for OPENED, then +1 per transition of the same incident
 * @param kind what happened
 * @param severity the incident's severity after this transition
 * @param at when (a result's startedAt, or the instant a tick judged)
 * @param failing the locations not UP behind it (empty on RESOLVED)
 * @param openingResultId the result that was newest when the incident opened
 */
record Transition(
    UUID incidentId,
    String targetId,
    long seq,
    Kind kind,
    Severity severity,
    Instant at,
    List<LocationVerdict> failing,
    UUID openingResultId) {

  enum Kind {
    OPENED,
    UPDATED,
    RESOLVED
  }

  Transition {
    Objects.requireNonNull(incidentId, "incidentId");
    Objects.requireNonNull(targetId, "targetId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(at, "at");
    failing = List.copyOf(failing);
    Objects.requireNonNull(openingResultId, "openingResultId");
  }
}
