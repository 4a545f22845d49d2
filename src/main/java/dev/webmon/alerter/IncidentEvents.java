package dev.webmon.alerter;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import java.util.ArrayList;
import java.util.List;

/** Turns the core's {@link Transition}s into the {@code IncidentEvent} contract. */
final class IncidentEvents {
  private IncidentEvents() {}

  static IncidentEvent of(Transition t, String targetName, String policy) {
    List<LocationStatus> locations = new ArrayList<>(t.locations().size());
    for (LocationVerdict l : t.locations()) {
      locations.add(new LocationStatus(l.location(), state(l.status()), l.reason(), l.since()));
    }
    return new IncidentEvent(t.incidentId(), t.targetId(), targetName, t.seq(), kind(t.kind()),
        severity(t.severity()), t.at(), t.openedAt(), locations, t.cause(), t.quorum(),
        t.reporting(), policy,
        t.ack().map(a -> new IncidentEvent.Acknowledgement(a.by(), a.note(), a.at())),
        t.certificateExpiresAt());
  }

  private static IncidentEvent.Kind kind(Transition.Kind k) {
    return switch (k) {
      case OPENED -> IncidentEvent.Kind.OPENED;
      case UPDATED -> IncidentEvent.Kind.UPDATED;
      case ACKNOWLEDGED -> IncidentEvent.Kind.ACKNOWLEDGED;
      case RESOLVED -> IncidentEvent.Kind.RESOLVED;
    };
  }

  private static IncidentSeverity severity(Severity s) {
    return switch (s) {
      case DOWN -> IncidentSeverity.DOWN;
      case DEGRADED -> IncidentSeverity.DEGRADED;
      case NO_DATA -> IncidentSeverity.NO_DATA;
      case FLAPPING -> IncidentSeverity.FLAPPING;
      case CERTIFICATE -> IncidentSeverity.CERTIFICATE;
    };
  }

  private static LocationStatus.State state(Status s) {
    return switch (s) {
      case UP -> LocationStatus.State.UP;
      case DOWN -> LocationStatus.State.DOWN;
      case DEGRADED -> LocationStatus.State.DEGRADED;
      case UNKNOWN -> LocationStatus.State.UNKNOWN;
    };
  }
}
