package dev.webmon.event;

import java.util.Optional;
import java.util.UUID;

/**
 * One location's part in an incident.
 *
 * @param location the agent location, as {@link CheckResult#location()}
 * @param state its state when the transition was decided
 * @param reason the newest failure's reason, when DOWN
 * @param sinceResultId the result that began its DOWN or DEGRADED state
 */
public record LocationStatus(
    String location, State state, Optional<Reason> reason, Optional<UUID> sinceResultId) {

  /** A location's state; UNKNOWN = silent (no result for 3 × interval + timeout). */
  public enum State {
    UP,
    DOWN,
    DEGRADED,
    UNKNOWN
  }

  /** Validates every component. */
  public LocationStatus {
    Validate.identifier(location, "locations.location", 64, "");
    Validate.notNull(state, "locations.state");
    Validate.notNull(reason, "locations.reason");
    Validate.notNull(sinceResultId, "locations.sinceResultId");
  }
}
