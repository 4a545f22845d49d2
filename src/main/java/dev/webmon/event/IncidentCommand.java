package dev.webmon.event;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A request to the alerter about an incident, from the web: the value of {@code
 * webmon.incident-commands}, keyed by {@link #targetId()} so that it meets the target's results in
 * the same Streams task.
 *
 * @param commandId unique per request
 * @param targetId the incident's target
 * @param incidentId the incident
 * @param type what to do
 * @param by the user, 1–200 characters, no control characters
 * @param note optional text, at most {@value #MAX_NOTE} characters
 * @param at when the web accepted it
 */
public record IncidentCommand(
    UUID commandId,
    String targetId,
    UUID incidentId,
    Type type,
    String by,
    Optional<String> note,
    Instant at) {

  /** Kinds of command. */
  public enum Type {
    ACKNOWLEDGE
  }

  /** Longest note. */
  public static final int MAX_NOTE = 1000;

  /** Validates every component. */
  public IncidentCommand {
    Validate.notNull(commandId, "commandId");
    Validate.identifier(targetId, "targetId", 64, "");
    Validate.notNull(incidentId, "incidentId");
    Validate.notNull(type, "type");
    Validate.text(by, "by", 1, 200, false);
    Validate.notNull(note, "note")
        .ifPresent(n -> Validate.noNul(Validate.text(n, "note", 0, MAX_NOTE, true), "note"));
    Validate.instant(at, "at");
  }
}
