package dev.webmon.notifier;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * What one channel is told about one incident transition: the template model of
 * docs/notifications.md. Built from an {@link IncidentEvent} for one channel, so that {@link
 * #dedupKey()} ({@code incidentId:seq:channelId}) is stable across redeliveries. Immutable.
 *
 * @param target the monitored target
 * @param incident the incident after this transition
 * @param locations every location not UP when decided (empty on RESOLVED)
 * @param failingResultIds the result that opened the incident, then each location's first failing
 *     result, without repeats
 * @param links where to look in the web UI
 * @param channelId the channel this notification is for
 * @param dedupKey {@code incidentId + ":" + seq + ":" + channelId}
 */
record Notification(
    Target target,
    Incident incident,
    List<Location> locations,
    List<UUID> failingResultIds,
    Links links,
    String channelId,
    String dedupKey) {

  /** The target as the notification names it; {@code url} when the caller knows it. */
  record Target(String id, String name, Optional<URI> url) {
    Target {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
    }
  }

  /** The incident's state as people see it. */
  enum State {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The incident after the transition. */
  record Incident(
      UUID id,
      long seq,
      IncidentEvent.Kind kind,
      IncidentSeverity severity,
      State state,
      Instant openedAt,
      Instant at,
      Optional<IncidentEvent.Acknowledgement> acknowledgement,
      Optional<Instant> certificateExpiresAt,
      int quorum,
      int reporting,
      String policy) {
    Incident {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(openedAt, "openedAt");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(acknowledgement, "acknowledgement");
      Objects.requireNonNull(certificateExpiresAt, "certificateExpiresAt");
      Objects.requireNonNull(policy, "policy");
    }
  }

  /** One location's part, with the reason of its newest failure when DOWN. */
  record Location(
      String name, LocationStatus.State state, Optional<Reason> reason, Optional<UUID> sinceResultId) {}

  /** Links into the web UI: its base URL and the incident's page ({@code base/incidents/{id}}). */
  record Links(URI web, URI incident) {}

  Notification {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(incident, "incident");
    locations = List.copyOf(locations);
    failingResultIds = List.copyOf(failingResultIds);
    Objects.requireNonNull(links, "links");
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(dedupKey, "dedupKey");
  }

  /**
   * The notification of {@code event} for channel {@code channelId}; the target URL is unknown
   * (see {@link #withTargetUrl(URI)}).
   *
   * @param webBaseUrl the web UI's public base URL, e.g. {@code https://webmon.example.com}
   */
  static Notification of(IncidentEvent event, URI webBaseUrl, String channelId) {
    if (channelId.isBlank()) {
      throw new IllegalArgumentException("channelId must not be blank");
    }
    State state =
        event.kind() == IncidentEvent.Kind.RESOLVED
            ? State.RESOLVED
            : event.acknowledgement().isPresent() ? State.ACKNOWLEDGED : State.OPEN;
    Incident incident =
        new Incident(
            event.incidentId(),
            event.seq(),
            event.kind(),
            event.severity(),
            state,
            event.openedAt(),
            event.at(),
            event.acknowledgement(),
            event.certificateExpiresAt(),
            event.quorum(),
            event.reporting(),
            event.policy());
    List<Location> locations = new ArrayList<>();
    Set<UUID> failing = new LinkedHashSet<>();
    failing.add(event.causeResultId());
    for (LocationStatus l : event.locations()) {
      locations.add(new Location(l.location(), l.state(), l.reason(), l.sinceResultId()));
      l.sinceResultId().ifPresent(failing::add);
    }
    String base = webBaseUrl.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    Links links = new Links(URI.create(base + "/"), URI.create(base + "/incidents/" + event.incidentId()));
    return new Notification(
        new Target(event.targetId(), event.targetName(), Optional.empty()),
        incident,
        locations,
        List.copyOf(failing),
        links,
        channelId,
        event.incidentId() + ":" + event.seq() + ":" + channelId);
  }

  /** This notification naming the target's URL. */
  Notification withTargetUrl(URI url) {
    return new Notification(
        new Target(target.id(), target.name(), Optional.of(url)),
        incident,
        locations,
        failingResultIds,
        links,
        channelId,
        dedupKey);
  }

  /**
   * The model templates see (docs/notifications.md, "Template model"): maps, lists and strings
   * only, so a template cannot call methods of our objects; an absent optional value is absent
   * from its map. Instants are ISO-8601 strings, severities and kinds their wire names.
   */
  Map<String, Object> templateModel() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", targetMap());
    m.put("incident", incidentMap());
    m.put("locations", locations.stream().map(Notification::locationMap).toList());
    m.put("failingResultIds", failingResultIds.stream().map(UUID::toString).toList());
    Map<String, Object> l = new LinkedHashMap<>();
    l.put("web", links.web().toString());
    l.put("incident", links.incident().toString());
    m.put("links", l);
    m.put("dedupKey", dedupKey);
    m.put("channelId", channelId);
    return m;
  }

  Map<String, Object> targetMap() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("id", target.id());
    t.put("name", target.name());
    target.url().ifPresent(u -> t.put("url", u.toString()));
    return t;
  }

  Map<String, Object> incidentMap() {
    Map<String, Object> i = new LinkedHashMap<>();
    i.put("id", incident.id().toString());
    i.put("seq", incident.seq());
    i.put("kind", incident.kind().name());
    i.put("severity", incident.severity().wireName());
    i.put("state", incident.state().wireName());
    i.put("openedAt", incident.openedAt().toString());
    i.put("at", incident.at().toString());
    incident
        .acknowledgement()
        .ifPresent(
            a -> {
              Map<String, Object> ack = new LinkedHashMap<>();
              ack.put("by", a.by());
              a.note().ifPresent(n -> ack.put("note", n));
              ack.put("at", a.at().toString());
              i.put("acknowledgement", ack);
            });
    incident.certificateExpiresAt().ifPresent(c -> i.put("certificateExpiresAt", c.toString()));
    i.put("quorum", incident.quorum());
    i.put("reporting", incident.reporting());
    i.put("policy", incident.policy());
    return i;
  }

  static Map<String, Object> locationMap(Location l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("location", l.name());
    m.put("state", l.state().name());
    l.reason().ifPresent(r -> m.put("reason", r.name()));
    l.sinceResultId().ifPresent(r -> m.put("sinceResultId", r.toString()));
    return m;
  }
}
