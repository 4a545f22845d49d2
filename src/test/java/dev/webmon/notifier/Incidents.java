package dev.webmon.notifier;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** One incident of target {@code shop-home}, through its transitions, as tests use it. */
final class Incidents {
  static final UUID ID = UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2");
  static final UUID CAUSE = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
  static final UUID EU_SINCE = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
  static final UUID US_SINCE = UUID.fromString("9b2d3c4e-1f00-4a6b-8c7d-0e1f2a3b4c5d");
  static final Instant OPENED_AT = Instant.parse("2026-03-01T12:00:30Z");
  static final Instant ACK_AT = Instant.parse("2026-03-01T12:03:00Z");
  static final Instant RESOLVED_AT = Instant.parse("2026-03-01T12:10:00Z");
  static final URI WEB = URI.create("https://webmon.example.com/");
  static final URI TARGET_URL = URI.create("https://shop.example.com/");
  static final String CHANNEL = "ops-hook";

  static final List<LocationStatus> DOWN =
      List.of(
          new LocationStatus("eu-west", LocationStatus.State.DOWN, Optional.of(Reason.HTTP_STATUS), Optional.of(EU_SINCE)),
          new LocationStatus("us-east", LocationStatus.State.DOWN, Optional.of(Reason.TIMEOUT), Optional.of(US_SINCE)));

  static final IncidentEvent.Acknowledgement ACK =
      new IncidentEvent.Acknowledgement("alice", Optional.of("looking into it"), ACK_AT);

  private Incidents() {}

  static IncidentEvent opened() {
    return event(1, IncidentEvent.Kind.OPENED, OPENED_AT, DOWN, Optional.empty());
  }

  static IncidentEvent updated() {
    return event(2, IncidentEvent.Kind.UPDATED, OPENED_AT.plusSeconds(60), DOWN.subList(0, 1), Optional.empty());
  }

  static IncidentEvent acknowledged() {
    return event(3, IncidentEvent.Kind.ACKNOWLEDGED, ACK_AT, DOWN, Optional.of(ACK));
  }

  static IncidentEvent resolved() {
    return event(4, IncidentEvent.Kind.RESOLVED, RESOLVED_AT, List.of(), Optional.of(ACK));
  }

  static IncidentEvent event(long seq, IncidentEvent.Kind kind, Instant at, List<LocationStatus> locations,
      Optional<IncidentEvent.Acknowledgement> ack) {
    return new IncidentEvent(ID, "shop-home", "Shop home page", seq, kind, IncidentSeverity.DOWN, at, OPENED_AT,
        locations, CAUSE, 2, 3, "default", ack, Optional.empty());
  }

  static Notification notification(IncidentEvent e) {
    return Notification.of(e, WEB, CHANNEL).withTargetUrl(TARGET_URL);
  }

  static List<Notification> openedAckedResolved() {
    return List.of(notification(opened()), notification(acknowledged()), notification(resolved()));
  }
}
