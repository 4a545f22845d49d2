package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The JSON mapping of {@link PolicyFields} (an object of the present fields) and of {@link
 * AlertPolicySpec}, by hand: see {@code docs/events.md}. Stateless.
 */
final class PolicyJson {
  private static final String[] REQUIRED = {"v", "name", "version", "updatedAt"};

  private PolicyJson() {}

  /** Writes {@code f} as an object field named {@code name}; nothing when {@code f} is empty. */
  static void writeFields(String name, PolicyFields f, JsonGenerator g) throws IOException {
    if (f.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart(name);
    writeInt(g, "failureThreshold", f.failureThreshold());
    writeInt(g, "failuresInWindow", f.failuresInWindow());
    if (f.window().isPresent()) {
      g.writeStringField("window", f.window().get().toString());
    }
    writeInt(g, "recoveryThreshold", f.recoveryThreshold());
    if (f.degradedAboveMs().isPresent()) {
      g.writeNumberField("degradedAboveMs", f.degradedAboveMs().get());
    }
    writeInt(g, "quorum", f.quorum());
    writeInt(g, "tlsExpiryWarningDays", f.tlsExpiryWarningDays());
    writeInt(g, "flapChanges", f.flapChanges());
    if (f.flapWindow().isPresent()) {
      g.writeStringField("flapWindow", f.flapWindow().get().toString());
    }
    g.writeEndObject();
  }

  private static void writeInt(JsonGenerator g, String name, Optional<Integer> v)
      throws IOException {
    if (v.isPresent()) {
      g.writeNumberField(name, v.get());
    }
  }

  /** Reads the object the parser is on (field {@code name}) as policy fields. */
  static PolicyFields readFields(JsonParser p, String name) throws IOException {
    JsonFields.startObject(p, name);
    Integer failureThreshold = null;
    Integer failuresInWindow = null;
    Duration window = null;
    Integer recoveryThreshold = null;
    Long degradedAboveMs = null;
    Integer quorum = null;
    Integer tlsDays = null;
    Integer flapChanges = null;
    Duration flapWindow = null;
    int seen = 0;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      String path = name + "." + field;
      p.nextToken();
      switch (field) {
        case "failureThreshold" -> {
          seen = JsonFields.mark(seen, 0, path);
          failureThreshold = JsonFields.int32(p, path);
        }
        case "failuresInWindow" -> {
          seen = JsonFields.mark(seen, 1, path);
          failuresInWindow = JsonFields.int32(p, path);
        }
        case "window" -> {
          seen = JsonFields.mark(seen, 2, path);
          window = JsonFields.duration(p, path);
        }
        case "recoveryThreshold" -> {
          seen = JsonFields.mark(seen, 3, path);
          recoveryThreshold = JsonFields.int32(p, path);
        }
        case "degradedAboveMs" -> {
          seen = JsonFields.mark(seen, 4, path);
          degradedAboveMs = JsonFields.int64(p, path);
        }
        case "quorum" -> {
          seen = JsonFields.mark(seen, 5, path);
          quorum = JsonFields.int32(p, path);
        }
        case "tlsExpiryWarningDays" -> {
          seen = JsonFields.mark(seen, 6, path);
          tlsDays = JsonFields.int32(p, path);
        }
        case "flapChanges" -> {
          seen = JsonFields.mark(seen, 7, path);
          flapChanges = JsonFields.int32(p, path);
        }
        case "flapWindow" -> {
          seen = JsonFields.mark(seen, 8, path);
          flapWindow = JsonFields.duration(p, path);
        }
        default -> unknown = Unknown.skip(p, path, unknown);
      }
    }
    try {
      return new PolicyFields(
          Optional.ofNullable(failureThreshold),
          Optional.ofNullable(failuresInWindow),
          Optional.ofNullable(window),
          Optional.ofNullable(recoveryThreshold),
          Optional.ofNullable(degradedAboveMs),
          Optional.ofNullable(quorum),
          Optional.ofNullable(tlsDays),
          Optional.ofNullable(flapChanges),
          Optional.ofNullable(flapWindow));
    } catch (InvalidEventException e) {
      throw new InvalidEventException(name + "." + e.field(), problem(e));
    }
  }

  private static String problem(InvalidEventException e) {
    String msg = e.getMessage();
    String prefix = e.field() + ": ";
    return msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
  }

  static void write(AlertPolicySpec s, JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeStringField(SchemaVersion.FIELD, SchemaVersion.CURRENT);
    g.writeStringField("name", s.name());
    g.writeNumberField("version", s.version());
    if (!s.tags().isEmpty()) {
      g.writeArrayFieldStart("tags");
      for (String tag : s.tags()) {
        g.writeString(tag);
      }
      g.writeEndArray();
    }
    writeFields("fields", s.fields(), g);
    g.writeStringField("updatedAt", Instants.format(s.updatedAt()));
    g.writeEndObject();
  }

  /** As {@link TargetJson#read}. */
  static AlertPolicySpec read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    String name = null;
    long version = 0;
    List<String> tags = List.of();
    PolicyFields fields = PolicyFields.NONE;
    Instant updatedAt = null;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "name" -> {
          seen = JsonFields.mark(seen, 1, field);
          name = JsonFields.string(p, field);
        }
        case "version" -> {
          seen = JsonFields.mark(seen, 2, field);
          version = JsonFields.int64(p, field);
        }
        case "updatedAt" -> {
          seen = JsonFields.mark(seen, 3, field);
          updatedAt = JsonFields.instant(p, field);
        }
        case "tags" -> {
          seen = JsonFields.mark(seen, 4, field);
          tags = TargetJson.tags(p);
        }
        case "fields" -> {
          seen = JsonFields.mark(seen, 5, field);
          fields = readFields(p, field);
        }
        default -> unknown = Unknown.skip(p, field, unknown);
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new AlertPolicySpec(name, version, tags, fields, updatedAt);
  }
}
