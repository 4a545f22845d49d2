package dev.webmon.alerter;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * An open incident of one lane (availability or certificate) of a target, as of its latest
 * transition. Immutable; each change returns the incident after it, with {@code seq + 1}.
 *
 * @param id stable, see {@link #id}
 * @param seq the latest transition's seq (1 = OPENED)
 * @param severity the current severity
 * @param openedAt the instant of OPENED
 * @param cause the result that was newest when it opened
 * @param locations the locations not UP at the latest transition, by name
 * @param quorum the k of the latest verdict
 * @param reporting the locations reporting at the latest verdict
 * @param ack the acknowledgement, once there is one
 * @param certificateExpiresAt the certificate behind a CERTIFICATE incident
 */
record Incident(
    UUID id,
    long seq,
    Severity severity,
    Instant openedAt,
    UUID cause,
    List<LocationVerdict> locations,
    int quorum,
    int reporting,
    Optional<Ack> ack,
    Optional<Instant> certificateExpiresAt) {

  Incident {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(openedAt, "openedAt");
    Objects.requireNonNull(cause, "cause");
    locations = List.copyOf(locations);
    Objects.requireNonNull(ack, "ack");
    Objects.requireNonNull(certificateExpiresAt, "certificateExpiresAt");
    if ((severity == Severity.CERTIFICATE) != certificateExpiresAt.isPresent()) {
      throw new IllegalArgumentException("certificateExpiresAt iff severity CERTIFICATE");
    }
  }

  static Incident opened(
      UUID id, Severity severity, Instant at, UUID cause, Verdict v, Optional<Instant> cert) {
    return new Incident(id, 1, severity, at, cause, v.failing(), v.quorum(), v.reporting(),
        Optional.empty(), cert);
  }

  /** The next transition's incident: a new severity and the verdict's locations. */
  Incident next(Severity s, Verdict v) {
    return next(s, v, certificateExpiresAt);
  }

  Incident next(Severity s, Verdict v, Optional<Instant> cert) {
    return new Incident(id, seq + 1, s, openedAt, cause, v.failing(), v.quorum(), v.reporting(),
        ack, cert);
  }

  /** The next transition's incident, nothing else changed (ACKNOWLEDGED, or RESOLVED on delete). */
  Incident next(Optional<Ack> a) {
    return new Incident(id, seq + 1, severity, openedAt, cause, locations, quorum, reporting, a,
        certificateExpiresAt);
  }

  /** The transition that made this incident what it is; a RESOLVED one names no locations. */
  Transition as(Transition.Kind kind, String targetId, Instant at) {
    List<LocationVerdict> named = kind == Transition.Kind.RESOLVED ? List.of() : locations;
    return new Transition(id, targetId, seq, kind, severity, at, openedAt, named, cause, quorum,
        reporting, ack, certificateExpiresAt);
  }

  /**
   * Name-based, so replaying the same results from the same state yields the same id; {@code
   * lane} keeps the certificate lane's ids apart from the availability lane's.
   */
  static UUID id(String targetId, String lane, long count, UUID openingResult) {
    String name = targetId + "/" + lane + count + "/" + openingResult;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
