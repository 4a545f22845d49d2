package dev.webmon.store;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentEvent.Kind;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Incident events for the store and sink tests: one incident's transitions, a minute apart. */
public final class IncidentFixtures {
  public static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123456Z");
  public static final IncidentEvent.Acknowledgement ACK =
      new IncidentEvent.Acknowledgement("alice", Optional.of("on it"), T0.plus(Duration.ofSeconds(150)));

  private IncidentFixtures() {}

  /** When the transition {@code seq} happened: T0 plus {@code seq - 1} minutes. */
  public static Instant at(long seq) {
    return T0.plus(Duration.ofMinutes(seq - 1));
  }

  /** The result that caused the incident (stable per incident). */
  public static UUID cause(UUID incident) {
    return UUID.nameUUIDFromBytes(("cause " + incident).getBytes(StandardCharsets.UTF_8));
  }

  public static LocationStatus down(String location) {
    return new LocationStatus(location, LocationStatus.State.DOWN, Optional.of(Reason.HTTP_STATUS), Optional.of(UUID.randomUUID()));
  }

  public static LocationStatus degraded(String location) {
    return new LocationStatus(location, LocationStatus.State.DEGRADED, Optional.empty(), Optional.empty());
  }

  public static IncidentEvent event(
      UUID id,
      String target,
      long seq,
      Kind kind,
      IncidentSeverity severity,
      List<LocationStatus> locations,
      Optional<IncidentEvent.Acknowledgement> ack) {
    return new IncidentEvent(
        id, target, "Target " + target + " @" + seq, seq, kind, severity, at(seq), T0, locations, cause(id), 2, 3,
        "default", ack,
        severity == IncidentSeverity.CERTIFICATE ? Optional.of(T0.plus(Duration.ofDays(10))) : Optional.empty());
  }

  /**
   * A whole life: 1 OPENED down (a, b), 2 UPDATED degraded (a), 3 ACKNOWLEDGED by alice, 4 UPDATED
   * down (a, b, c), 5 RESOLVED.
   */
  public static List<IncidentEvent> lifecycle(UUID id, String target) {
    return List.of(
        event(id, target, 1, Kind.OPENED, IncidentSeverity.DOWN, List.of(down("a"), down("b")), Optional.empty()),
        event(id, target, 2, Kind.UPDATED, IncidentSeverity.DEGRADED, List.of(degraded("a")), Optional.empty()),
        event(id, target, 3, Kind.ACKNOWLEDGED, IncidentSeverity.DEGRADED, List.of(degraded("a")), Optional.of(ACK)),
        event(id, target, 4, Kind.UPDATED, IncidentSeverity.DOWN, List.of(down("a"), down("b"), down("c")), Optional.of(ACK)),
        event(id, target, 5, Kind.RESOLVED, IncidentSeverity.DOWN, List.of(), Optional.of(ACK)));
  }
}
