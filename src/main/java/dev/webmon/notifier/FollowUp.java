package dev.webmon.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What a REMINDER or ESCALATION notification is, beyond the incident it is about: reminder number
 * {@code n} or escalation step {@code k}. Its payload is the incident's newest {@code IncidentEvent}
 * JSON with this object added as field {@value #FIELD} (decoders of the event skip it as an unknown
 * field): {@code {"kind": "REMINDER", "number": 2}} or {@code {"kind": "ESCALATION", "number": 1,
 * "afterMinutes": 10}}. Immutable.
 *
 * @param kind reminder or escalation step
 * @param number the reminder's number (1, 2, …) or the step's (1-based)
 * @param afterMinutes the step's {@code afterMinutes}; 0 for a reminder
 */
record FollowUp(Kind kind, int number, long afterMinutes) {
  /** The payload field. */
  static final String FIELD = "followUp";

  /** The two kinds, named as column {@code notification.kind} names them. */
  enum Kind {
    REMINDER,
    ESCALATION
  }

  FollowUp {
    Objects.requireNonNull(kind, "kind");
    if (number < 1) {
      throw new IllegalArgumentException("number must be at least 1, was " + number);
    }
    if ((kind == Kind.ESCALATION) != (afterMinutes > 0)) {
      throw new IllegalArgumentException("afterMinutes is positive exactly for an escalation step, was " + afterMinutes);
    }
  }

  static FollowUp reminder(int number) {
    return new FollowUp(Kind.REMINDER, number, 0);
  }

  static FollowUp step(int number, long afterMinutes) {
    return new FollowUp(Kind.ESCALATION, number, afterMinutes);
  }

  /** {@code <incidentId>:reminder-<n>:<channelId>} or {@code <incidentId>:escalation-<step>:<channelId>}. */
  String dedupKey(UUID incidentId, String channelId) {
    return incidentId + ":" + (kind == Kind.REMINDER ? "reminder-" : "escalation-") + number + ":" + channelId;
  }

  /** {@code event} (an IncidentEvent JSON object) with this follow-up added as {@value #FIELD}. */
  ObjectNode addTo(ObjectNode event) {
    ObjectNode o = event.putObject(FIELD);
    o.put("kind", kind.name());
    o.put("number", number);
    if (kind == Kind.ESCALATION) {
      o.put("afterMinutes", afterMinutes);
    }
    return event;
  }

  /** The template model's {@code followUp} map: {@code kind}, {@code number}, {@code afterMinutes} (steps only). */
  Map<String, Object> templateModel() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind.name());
    m.put("number", number);
    if (kind == Kind.ESCALATION) {
      m.put("afterMinutes", afterMinutes);
    }
    return m;
  }

  /** The follow-up a notification payload carries; empty for a transition's payload (or a malformed one). */
  static Optional<FollowUp> of(JsonNode payload) {
    JsonNode f = payload.path(FIELD);
    if (!f.isObject() || !f.path("number").canConvertToInt()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new FollowUp(Kind.valueOf(f.path("kind").asText()), f.path("number").asInt(),
          f.path("afterMinutes").asLong(0)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
