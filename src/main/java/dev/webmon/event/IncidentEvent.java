package dev.webmon.event;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One transition of an incident, decided by the alerter: the value of {@code webmon.incidents},
 * keyed by {@link #targetId()}. Within one incident {@link #seq()} starts at 1 (OPENED) and grows
 * by one per transition; a consumer that has seen a seq ignores it again.
 *
 * @param incidentId stable for the incident's life
 * @param targetId the target, as {@link TargetSpec#id()}
 * @param targetName the target's name when decided
 * @param seq 1 for OPENED, then +1 per transition
 * @param kind what happened
 * @param severity the incident's severity after this transition
 * @param at when it was decided: a result's startedAt, or the instant a tick judged
 * @param openedAt when the incident opened (= {@code at} of OPENED)
 * @param locations every location not UP (empty on RESOLVED), by name, at most 1000
 * @param causeResultId the result that was newest when the incident opened
 * @param quorum the k locations that had to agree
 * @param reporting the locations not silent when decided
 * @param policy the name of the policy that decided it
 * @param acknowledgement who acknowledged it, once they have (ACKNOWLEDGED and later)
 * @param certificateExpiresAt for {@link IncidentSeverity#CERTIFICATE}: the certificate's notAfter
 */
public record IncidentEvent(
    UUID incidentId,
    String targetId,
    String targetName,
    long seq,
    Kind kind,
    IncidentSeverity severity,
    Instant at,
    Instant openedAt,
    List<LocationStatus> locations,
    UUID causeResultId,
    int quorum,
    int reporting,
    String policy,
    Optional<Acknowledgement> acknowledgement,
    Optional<Instant> certificateExpiresAt) {

  /** Kinds of transition. Adding one is a major schema change. */
  public enum Kind {
    OPENED,
    UPDATED,
    ACKNOWLEDGED,
    RESOLVED
  }

  /**
   * Who acknowledged an incident.
   *
   * @param by the user, 1–200 characters, no control characters
   * @param note what they wrote, at most 1000 characters
   * @param at when the web accepted it
   */
  public record Acknowledgement(String by, Optional<String> note, Instant at) {
    /** Validates every component. */
    public Acknowledgement {
      Validate.text(by, "acknowledgement.by", 1, 200, false);
      Validate.notNull(note, "acknowledgement.note")
          .ifPresent(n -> Validate.noNul(
              Validate.text(n, "acknowledgement.note", 0, IncidentCommand.MAX_NOTE, true),
              "acknowledgement.note"));
      Validate.instant(at, "acknowledgement.at");
    }
  }

  static final int MAX_LOCATIONS = 1000;

  /** Validates every component. */
  public IncidentEvent {
    Validate.notNull(incidentId, "incidentId");
    Validate.identifier(targetId, "targetId", 64, "");
    Validate.text(targetName, "targetName", 1, TargetSpec.MAX_NAME, false);
    Validate.atLeast(seq, 1, "seq");
    Validate.notNull(kind, "kind");
    Validate.notNull(severity, "severity");
    Validate.instant(at, "at");
    Validate.instant(openedAt, "openedAt");
    if (at.isBefore(openedAt)) {
      throw new InvalidEventException("at", "must not be before openedAt " + openedAt);
    }
    if ((kind == Kind.OPENED) != (seq == 1)) {
      throw new InvalidEventException("seq", "is 1 exactly for OPENED, was " + seq + " for " + kind);
    }
    Validate.notNull(locations, "locations");
    if (locations.size() > MAX_LOCATIONS) {
      throw new InvalidEventException(
          "locations", "must be at most " + MAX_LOCATIONS + ", got " + locations.size());
    }
    locations = List.copyOf(locations);
    Validate.notNull(causeResultId, "causeResultId");
    Validate.between(quorum, 0, 1000, "quorum");
    Validate.between(reporting, 0, 1000, "reporting");
    AlertPolicySpec.name(policy, "policy");
    Validate.notNull(acknowledgement, "acknowledgement");
    if (kind == Kind.ACKNOWLEDGED && acknowledgement.isEmpty()) {
      throw new InvalidEventException("acknowledgement", "is required for ACKNOWLEDGED");
    }
    Validate.notNull(certificateExpiresAt, "certificateExpiresAt")
        .ifPresent(t -> Validate.instant(t, "certificateExpiresAt"));
    if (severity == IncidentSeverity.CERTIFICATE && certificateExpiresAt.isEmpty()) {
      throw new InvalidEventException(
          "certificateExpiresAt", "is required for severity certificate");
    }
  }
}
