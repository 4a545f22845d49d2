package dev.webmon.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The JSON mapping of {@link IncidentEvent}, by hand: see {@code docs/events.md}. Stateless. */
final class IncidentJson {
  private static final String[] REQUIRED = {
    "v", "incidentId", "targetId", "targetName", "seq", "kind", "severity", "at", "openedAt",
    "causeResultId", "quorum", "reporting", "policy"
  };

  private static final JsonFactory TEXT = new JsonFactory();

  private IncidentJson() {}

  /** {@code [{"location", "state", "reason"?, "sinceResultId"?}]}, the wire form of an incident's locations. */
  static void writeLocations(List<LocationStatus> locations, JsonGenerator g) throws IOException {
    g.writeStartArray();
    for (LocationStatus l : locations) {
      g.writeStartObject();
      g.writeStringField("location", l.location());
      g.writeStringField("state", l.state().name());
      if (l.reason().isPresent()) {
        g.writeStringField("reason", l.reason().get().name());
      }
      if (l.sinceResultId().isPresent()) {
        g.writeStringField("sinceResultId", l.sinceResultId().get().toString());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  /** {@link #writeLocations} as a string ({@code []} when empty). */
  static String locationsJson(List<LocationStatus> locations) {
    StringWriter out = new StringWriter(64 * locations.size() + 2);
    try (JsonGenerator g = TEXT.createGenerator(out)) {
      writeLocations(locations, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  static void write(IncidentEvent e, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField(SchemaVersion.FIELD, SchemaVersion.CURRENT);
    g.writeStringField("incidentId", e.incidentId().toString());
    g.writeStringField("targetId", e.targetId());
    g.writeStringField("targetName", e.targetName());
    g.writeNumberField("seq", e.seq());
    g.writeStringField("kind", e.kind().name());
    g.writeStringField("severity", e.severity().wireName());
    g.writeStringField("at", Instants.format(e.at()));
    g.writeStringField("openedAt", Instants.format(e.openedAt()));
    if (!e.locations().isEmpty()) {
      g.writeFieldName("locations");
      writeLocations(e.locations(), g);
    }
    g.writeStringField("causeResultId", e.causeResultId().toString());
    g.writeNumberField("quorum", e.quorum());
    g.writeNumberField("reporting", e.reporting());
    g.writeStringField("policy", e.policy());
    if (e.acknowledgement().isPresent()) {
      IncidentEvent.Acknowledgement a = e.acknowledgement().get();
      g.writeObjectFieldStart("acknowledgement");
      g.writeStringField("by", a.by());
      if (a.note().isPresent()) {
        g.writeStringField("note", a.note().get());
      }
      g.writeStringField("at", Instants.format(a.at()));
      g.writeEndObject();
    }
    if (e.certificateExpiresAt().isPresent()) {
      g.writeStringField("certificateExpiresAt", Instants.format(e.certificateExpiresAt().get()));
    }
    g.writeEndObject();
  }

  /** As {@link TargetJson#read}. */
  static IncidentEvent read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    UUID incidentId = null;
    String targetId = null;
    String targetName = null;
    long seq = 0;
    IncidentEvent.Kind kind = null;
    IncidentSeverity severity = null;
    Instant at = null;
    Instant openedAt = null;
    List<LocationStatus> locations = List.of();
    UUID cause = null;
    int quorum = 0;
    int reporting = 0;
    String policy = null;
    IncidentEvent.Acknowledgement ack = null;
    Instant certificate = null;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "incidentId" -> {
          seen = JsonFields.mark(seen, 1, field);
          incidentId = JsonFields.uuid(p, field);
        }
        case "targetId" -> {
          seen = JsonFields.mark(seen, 2, field);
          targetId = JsonFields.string(p, field);
        }
        case "targetName" -> {
          seen = JsonFields.mark(seen, 3, field);
          targetName = JsonFields.string(p, field);
        }
        case "seq" -> {
          seen = JsonFields.mark(seen, 4, field);
          seq = JsonFields.int64(p, field);
        }
        case "kind" -> {
          seen = JsonFields.mark(seen, 5, field);
          kind = JsonFields.enumValue(p, field, IncidentEvent.Kind.class);
        }
        case "severity" -> {
          seen = JsonFields.mark(seen, 6, field);
          severity = IncidentSeverity.fromWire(JsonFields.string(p, field));
        }
        case "at" -> {
          seen = JsonFields.mark(seen, 7, field);
          at = JsonFields.instant(p, field);
        }
        case "openedAt" -> {
          seen = JsonFields.mark(seen, 8, field);
          openedAt = JsonFields.instant(p, field);
        }
        case "causeResultId" -> {
          seen = JsonFields.mark(seen, 9, field);
          cause = JsonFields.uuid(p, field);
        }
        case "quorum" -> {
          seen = JsonFields.mark(seen, 10, field);
          quorum = JsonFields.int32(p, field);
        }
        case "reporting" -> {
          seen = JsonFields.mark(seen, 11, field);
          reporting = JsonFields.int32(p, field);
        }
        case "policy" -> {
          seen = JsonFields.mark(seen, 12, field);
          policy = JsonFields.string(p, field);
        }
        case "locations" -> {
          seen = JsonFields.mark(seen, 13, field);
          locations = locations(p);
        }
        case "acknowledgement" -> {
          seen = JsonFields.mark(seen, 14, field);
          ack = acknowledgement(p);
        }
        case "certificateExpiresAt" -> {
          seen = JsonFields.mark(seen, 15, field);
          certificate = JsonFields.instant(p, field);
        }
        default -> unknown = Unknown.skip(p, field, unknown);
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new IncidentEvent(incidentId, targetId, targetName, seq, kind, severity, at, openedAt,
        locations, cause, quorum, reporting, policy, Optional.ofNullable(ack),
        Optional.ofNullable(certificate));
  }

  private static List<LocationStatus> locations(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw JsonFields.wrongType("locations", "an array", p.currentToken());
    }
    List<LocationStatus> out = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (out.size() >= IncidentEvent.MAX_LOCATIONS) {
        throw JsonFields.invalid("locations", "must be at most " + IncidentEvent.MAX_LOCATIONS);
      }
      String at = "locations[" + out.size() + "]";
      JsonFields.startObject(p, at);
      String location = null;
      LocationStatus.State state = null;
      Reason reason = null;
      UUID since = null;
      int seen = 0;
      Unknown unknown = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        String path = at + "." + field;
        p.nextToken();
        switch (field) {
          case "location" -> {
            seen = JsonFields.mark(seen, 0, path);
            location = JsonFields.string(p, path);
          }
          case "state" -> {
            seen = JsonFields.mark(seen, 1, path);
            state = JsonFields.enumValue(p, path, LocationStatus.State.class);
          }
          case "reason" -> {
            seen = JsonFields.mark(seen, 2, path);
            reason = JsonFields.enumValue(p, path, Reason.class);
          }
          case "sinceResultId" -> {
            seen = JsonFields.mark(seen, 3, path);
            since = JsonFields.uuid(p, path);
          }
          default -> unknown = Unknown.skip(p, path, unknown);
        }
      }
      if ((seen & 1) == 0) {
        throw new DecodeException(DecodeError.MISSING_FIELD, at + ".location", "is required");
      }
      if ((seen & 2) == 0) {
        throw new DecodeException(DecodeError.MISSING_FIELD, at + ".state", "is required");
      }
      out.add(new LocationStatus(location, state, Optional.ofNullable(reason),
          Optional.ofNullable(since)));
    }
    return out;
  }

  private static IncidentEvent.Acknowledgement acknowledgement(JsonParser p) throws IOException {
    JsonFields.startObject(p, "acknowledgement");
    String by = null;
    String note = null;
    Instant at = null;
    int seen = 0;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String path = "acknowledgement." + field;
      p.nextToken();
      switch (field) {
        case "by" -> {
          seen = JsonFields.mark(seen, 0, path);
          by = JsonFields.string(p, path);
        }
        case "at" -> {
          seen = JsonFields.mark(seen, 1, path);
          at = JsonFields.instant(p, path);
        }
        case "note" -> {
          seen = JsonFields.mark(seen, 2, path);
          note = JsonFields.string(p, path);
        }
        default -> unknown = Unknown.skip(p, path, unknown);
      }
    }
    if ((seen & 1) == 0) {
      throw new DecodeException(DecodeError.MISSING_FIELD, "acknowledgement.by", "is required");
    }
    if ((seen & 2) == 0) {
      throw new DecodeException(DecodeError.MISSING_FIELD, "acknowledgement.at", "is required");
    }
    return new IncidentEvent.Acknowledgement(by, Optional.ofNullable(note), at);
  }
}
