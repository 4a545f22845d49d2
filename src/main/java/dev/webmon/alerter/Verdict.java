package dev.webmon.alerter;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * A target's state at one instant, combined from its locations by quorum.
 *
 * @param status the target's status
 * @param at the instant judged
 * @param quorum k used
 * @param reporting locations not silent at {@code at}
 * @param failing every location not UP at {@code at} (DOWN, DEGRADED or silent), by name
 * @param newestResultId the newest result of any location; empty when none was ever seen
 */
record Verdict(
    Status status,
    Instant at,
    int quorum,
    int reporting,
    List<LocationVerdict> failing,
    Optional<UUID> newestResultId) {
  Verdict {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    failing = List.copyOf(failing);
    Objects.requireNonNull(newestResultId, "newestResultId");
  }
}
