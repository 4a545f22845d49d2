package dev.webmon.alerter;

import dev.webmon.event.Reason;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One location's part in a target's verdict.
 *
 * @param location the agent location
 * @param status its status at the verdict's instant (UNKNOWN when silent)
 * @param reason the newest failure's reason, when DOWN
 * @param since the first result of its DOWN or DEGRADED status (neither is given when silent)
 */
record LocationVerdict(
    String location, Status status, Optional<Reason> reason, Optional<UUID> since) {
  LocationVerdict {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(since, "since");
  }
}
