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
 * @param locations every location's state at {@code at} (UNKNOWN when silent), by name
 * @param newestResultId the newest result of any location; empty when none was ever seen
 */
record Verdict(
    Status status,
    Instant at,
    int quorum,
    int reporting,
    List<LocationVerdict> locations,
    Optional<UUID> newestResultId) {
  Verdict {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    locations = List.copyOf(locations);
    Objects.requireNonNull(newestResultId, "newestResultId");
  }

  /** The locations not UP (DOWN, DEGRADED or silent), by name. */
  List<LocationVerdict> failing() {
    return locations.stream().filter(l -> l.status() != Status.UP).toList();
  }

  /** Whether the locations not UP, and their states, are those of {@code seen}. */
  boolean sameFailing(List<LocationVerdict> seen) {
    List<LocationVerdict> now = failing();
    if (now.size() != seen.size()) {
      return false;
    }
    for (int i = 0; i < now.size(); i++) {
      if (!now.get(i).location().equals(seen.get(i).location())
          || now.get(i).status() != seen.get(i).status()) {
        return false;
      }
    }
    return true;
  }
}
