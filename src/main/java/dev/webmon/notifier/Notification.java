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
 * @param group when several incidents go out as one message (grouping): every one of them, this
 *     notification's own first; empty otherwise
 * @param giveUp when this notification tells the admin channel that another was given up
 * @param followUp when this is a REMINDER or ESCALATION notification: which one
 */
record Notification(
    Target target,
    Incident incident,
    List<Location> locations,
    List<UUID> failingResultIds,
    Links links,
    String channelId,
    String dedupKey,
    List<Member> group,
    Optional<GiveUp> giveUp,
    Optional<FollowUp> followUp) {

  /** One incident of a grouped message. */
  record Member(Target target, Incident incident, Links links) {}

  /**
   * What was given up.
   *
   * @param channelId the channel that could not be reached
   * @param kind the kind of the notification given up (OPENED, REMINDER, …)
   * @param attempts how many attempts were made
   * @param lastError the last attempt's outcome
   */
  record GiveUp(String channelId, String kind, int attempts, String lastError) {}

  Notification(
      Target target,
      Incident incident,
      List<Location> locations,
      List<UUID> failingResultIds,
      Links links,
      String channelId,
      String dedupKey) {
    this(target, incident, locations, failingResultIds, links, channelId, dedupKey, List.of(), Optional.empty(),
        Optional.empty());
  }

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
    group = List.copyOf(group);
    Objects.requireNonNull(giveUp, "giveUp");
    Objects.requireNonNull(followUp, "followUp");
  }

  /** This notification as reminder or escalation step {@code f}. */
  Notification asFollowUp(FollowUp f) {
    return new Notification(target, incident, locations, failingResultIds, links, channelId, dedupKey, group, giveUp,
        Optional.of(f));
  }

  /** This notification under another dedup key (the outbox row's: reminders, escalations, give-ups). */
  Notification withDedupKey(String key) {
    return new Notification(target, incident, locations, failingResultIds, links, channelId, key, group, giveUp, followUp);
  }

  /**
   * One message for several OPENED notifications of one channel: this one's fields, the key
   * {@code key}, and every incident listed in {@link #group()} (this one first).
   */
  Notification groupedWith(List<Notification> others, String key) {
    List<Member> members = new ArrayList<>();
    members.add(new Member(target, incident, links));
    others.forEach(o -> members.add(new Member(o.target, o.incident, o.links)));
    return new Notification(target, incident, locations, failingResultIds, links, channelId, key, members, giveUp, followUp);
  }

  /** This notification as the report that one of its kind, to another channel, was given up. */
  Notification asGiveUp(GiveUp what, String key) {
    return new Notification(target, incident, locations, failingResultIds, links, channelId, key, group,
        Optional.of(what), followUp);
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
        dedupKey,
        group,
        giveUp,
        followUp);
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
    if (!group.isEmpty()) {
      m.put("group", group.stream().map(Notification::memberMap).toList());
    }
    giveUp.ifPresent(g -> {
      Map<String, Object> gm = new LinkedHashMap<>();
      gm.put("channelId", g.channelId());
      gm.put("kind", g.kind());
      gm.put("attempts", g.attempts());
      gm.put("lastError", g.lastError());
      m.put("giveUp", gm);
    });
    followUp.ifPresent(f -> m.put(FollowUp.FIELD, f.templateModel()));
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

  /** A grouped incident as templates and the webhook body see it: {@code target}, {@code incident}, {@code link}. */
  static Map<String, Object> memberMap(Member member) {
    Notification n = new Notification(member.target(), member.incident(), List.of(), List.of(), member.links(), "-", "-");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("target", n.targetMap());
    m.put("incident", n.incidentMap());
    m.put("link", member.links().incident().toString());
    return m;
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
