package dev.webmon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.DecodeException;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceWindow;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A maintenance window as the API (and the form, through {@link MaintenanceForm}) sends it: the
 * event's own fields {@code title}, {@code description}, {@code scope} and {@code schedule},
 * decoded by the event contract ({@link EventCodec#decodeMaintenance}) so that every rule of the
 * contract is a 400 naming its field ({@code schedule.cron}, {@code scope.all} …). Fields the
 * answers add ({@code id}, {@code version}, {@code updatedAt}, {@code active}, {@code
 * nextOccurrences}, {@code targetsCovered}) are ignored, so an answer can be sent back; any other
 * field is refused. Stateless.
 */
final class MaintenanceRequests {
  private static final EventCodec CODEC = new EventCodec();
  private static final Set<String> FIELDS = Set.of("title", "description", "scope", "schedule");
  private static final Set<String> READ_ONLY = Set.of("id", "version", "updatedAt", "active", "nextOccurrences", "targetsCovered");
  private static final Map<String, Set<String>> NESTED =
      Map.of(
          "scope", Set.of("all", "targets", "tags"),
          "schedule", Set.of("type", "start", "end", "days", "at", "day", "cron", "duration", "zone"));

  private MaintenanceRequests() {}

  /**
   * The window {@code body} describes, as {@code id} at {@code version}.
   *
   * @throws ValidationException naming the first offending field
   */
  static MaintenanceWindow decode(JsonNode body, UUID id, long version, Instant updatedAt) {
    ObjectNode event = Json.MAPPER.createObjectNode();
    event.put("v", "1.0");
    event.put("id", id.toString());
    event.put("version", version);
    event.put("updatedAt", updatedAt.toString());
    for (Map.Entry<String, JsonNode> f : body.properties()) {
      if (FIELDS.contains(f.getKey())) {
        known(f.getKey(), f.getValue());
        event.set(f.getKey(), f.getValue());
      } else if (!READ_ONLY.contains(f.getKey())) {
        throw new ValidationException(f.getKey(), "is not a field of a maintenance window (title, description, scope, schedule)");
      }
    }
    try {
      return CODEC.decodeMaintenance(Json.MAPPER.writeValueAsBytes(event));
    } catch (DecodeException e) {
      throw new ValidationException(e.field().orElse("body"), problem(e));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  /** Refuses a field of {@code scope} or {@code schedule} that no type has (the codec would skip it). */
  private static void known(String name, JsonNode value) {
    Set<String> allowed = NESTED.get(name);
    if (allowed == null || !value.isObject()) {
      return;
    }
    for (Iterator<String> it = value.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        throw new ValidationException(name + "." + f, "is not a field of " + name + " (" + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }
  }

  /** The decoder's message without its "KIND at field: " prefix. */
  private static String problem(DecodeException e) {
    String m = e.getMessage();
    String prefix = e.error() + e.field().map(f -> " at " + f).orElse("") + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }
}
