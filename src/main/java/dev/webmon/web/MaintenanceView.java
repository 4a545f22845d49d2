package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.EventCodec;
import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A maintenance window as the API answers it: the event's fields (without {@code v}; {@code
 * description} and the scope's {@code all}, {@code targets} and {@code tags} always present), plus
 * {@code active} now, {@code nextOccurrences} (the one in effect, if any, then the next ones:
 * {@value #NEXT} in all) and {@code targetsCovered} (stored targets the scope applies to). Stateless.
 */
final class MaintenanceView {
  /** Occurrences listed per window. */
  static final int NEXT = 5;

  private static final EventCodec CODEC = new EventCodec();

  /** The list filter's values. */
  enum State {
    ACTIVE,
    UPCOMING,
    PAST;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private MaintenanceView() {}

  static State state(MaintenanceWindow w, Instant now) {
    if (w.schedule().activeAt(now)) {
      return State.ACTIVE;
    }
    return w.schedule().firstStartAfter(now).isPresent() ? State.UPCOMING : State.PAST;
  }

  /** The occurrence in effect at {@code now}, if any, then the next ones: {@link #NEXT} in all. */
  static List<MaintenanceSchedule.Occurrence> next(MaintenanceWindow w, Instant now) {
    return w.schedule().between(now, Instant.MAX, NEXT);
  }

  /** How many of the stored targets (id to tags) the window applies to. */
  static long covered(MaintenanceWindow w, Map<String, List<String>> targets) {
    return targets.entrySet().stream().filter(e -> w.scope().covers(e.getKey(), e.getValue())).count();
  }

  static JsonNode json(MaintenanceWindow w, Instant now, Map<String, List<String>> targets) {
    ObjectNode o;
    try {
      o = (ObjectNode) Json.MAPPER.readTree(CODEC.encode(w));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    o.remove("v");
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", w.id().toString());
    out.put("version", w.version());
    out.put("title", w.title());
    out.put("description", w.description());
    ObjectNode scope = out.putObject("scope");
    scope.put("all", w.scope().all());
    w.scope().targetIds().forEach(scope.putArray("targets")::add);
    w.scope().tags().forEach(scope.putArray("tags")::add);
    out.set("schedule", o.get("schedule"));
    out.set("updatedAt", o.get("updatedAt"));
    out.put("active", w.schedule().activeAt(now));
    var occurrences = out.putArray("nextOccurrences");
    for (MaintenanceSchedule.Occurrence x : next(w, now)) {
      occurrences.addObject().put("start", x.start().toString()).put("end", x.end().toString());
    }
    out.put("targetsCovered", covered(w, targets));
    return out;
  }
}
