package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The JSON mapping of {@link IncidentCommand}, by hand: see {@code docs/events.md}. Stateless. */
final class CommandJson {
  private static final String[] REQUIRED = {
    "v", "commandId", "targetId", "incidentId", "type", "by", "at"
  };

  private CommandJson() {}

  static void write(IncidentCommand c, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField(SchemaVersion.FIELD, SchemaVersion.CURRENT);
    g.writeStringField("commandId", c.commandId().toString());
    g.writeStringField("targetId", c.targetId());
    g.writeStringField("incidentId", c.incidentId().toString());
    g.writeStringField("type", c.type().name());
    g.writeStringField("by", c.by());
    if (c.note().isPresent()) {
      g.writeStringField("note", c.note().get());
    }
    g.writeStringField("at", Instants.format(c.at()));
    g.writeEndObject();
  }

  /** As {@link TargetJson#read}. */
  static IncidentCommand read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    UUID commandId = null;
    String targetId = null;
    UUID incidentId = null;
    IncidentCommand.Type type = null;
    String by = null;
    String note = null;
    Instant at = null;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "commandId" -> {
          seen = JsonFields.mark(seen, 1, field);
          commandId = JsonFields.uuid(p, field);
        }
        case "targetId" -> {
          seen = JsonFields.mark(seen, 2, field);
          targetId = JsonFields.string(p, field);
        }
        case "incidentId" -> {
          seen = JsonFields.mark(seen, 3, field);
          incidentId = JsonFields.uuid(p, field);
        }
        case "type" -> {
          seen = JsonFields.mark(seen, 4, field);
          type = JsonFields.enumValue(p, field, IncidentCommand.Type.class);
        }
        case "by" -> {
          seen = JsonFields.mark(seen, 5, field);
          by = JsonFields.string(p, field);
        }
        case "at" -> {
          seen = JsonFields.mark(seen, 6, field);
          at = JsonFields.instant(p, field);
        }
        case "note" -> {
          seen = JsonFields.mark(seen, 7, field);
          note = JsonFields.string(p, field);
        }
        default -> unknown = Unknown.skip(p, field, unknown);
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new IncidentCommand(commandId, targetId, incidentId, type, by,
        Optional.ofNullable(note), at);
  }
}
