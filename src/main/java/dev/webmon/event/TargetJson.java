package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The JSON mapping of {@link TargetSpec}, by hand: see {@code docs/events.md}. Stateless. */
final class TargetJson {
  // Bits of the fields seen, to report the first missing required one.
  private static final String[] REQUIRED = {
    "v", "id", "version", "name", "url", "interval", "expectedStatus", "method", "timeout",
    "maxRedirects", "updatedAt"
  };
  static final int SEEN_V = 1;

  private TargetJson() {}

  static void write(TargetSpec t, JsonGenerator g) throws IOException {
    g.writeStartObject();
    // 1.1 added alertPolicy and alertOverrides; a target without them stays 1.0.
    g.writeStringField(
        SchemaVersion.FIELD, t.usesAlerting() ? SchemaVersion.ALERTING : SchemaVersion.CURRENT);
    g.writeStringField("id", t.id());
    g.writeNumberField("version", t.version());
    g.writeStringField("name", t.name());
    g.writeStringField("url", t.url().toString());
    g.writeStringField("interval", t.interval().toString());
    if (t.mustMatch().isPresent()) {
      g.writeStringField("mustMatch", t.mustMatch().get());
    }
    if (t.mustNotMatch().isPresent()) {
      g.writeStringField("mustNotMatch", t.mustNotMatch().get());
    }
    g.writeStringField("expectedStatus", t.expectedStatus().format());
    g.writeStringField("method", t.method());
    if (!t.headers().isEmpty()) {
      g.writeObjectFieldStart("headers");
      for (Map.Entry<String, String> e : t.headers().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    if (t.body().isPresent()) {
      g.writeStringField("body", t.body().get());
    }
    g.writeStringField("timeout", t.timeout().toString());
    g.writeNumberField("maxRedirects", t.maxRedirects());
    if (!t.tags().isEmpty()) {
      g.writeArrayFieldStart("tags");
      for (String tag : t.tags()) {
        g.writeString(tag);
      }
      g.writeEndArray();
    }
    g.writeStringField("updatedAt", Instants.format(t.updatedAt()));
    if (t.alertPolicy().isPresent()) {
      g.writeStringField("alertPolicy", t.alertPolicy().get());
    }
    PolicyJson.writeFields("alertOverrides", t.alertOverrides(), g);
    g.writeEndObject();
  }

  /**
   * Reads the fields of the object the parser is in, up to its end, then lets {@code end} check
   * what follows before the record is built.
   *
   * @param seen {@link #SEEN_V} if {@code "v"} was already read and checked, else 0
   */
  static TargetSpec read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    String id = null;
    long version = 0;
    String name = null;
    URI url = null;
    Duration interval = null;
    String mustMatch = null;
    String mustNotMatch = null;
    StatusRanges expectedStatus = null;
    String method = null;
    Map<String, String> headers = Map.of();
    String body = null;
    Duration timeout = null;
    int maxRedirects = 0;
    List<String> tags = List.of();
    Instant updatedAt = null;
    String alertPolicy = null;
    PolicyFields alertOverrides = PolicyFields.NONE;

    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "id" -> {
          seen = JsonFields.mark(seen, 1, field);
          id = JsonFields.string(p, field);
        }
        case "version" -> {
          seen = JsonFields.mark(seen, 2, field);
          version = JsonFields.int64(p, field);
        }
        case "name" -> {
          seen = JsonFields.mark(seen, 3, field);
          name = JsonFields.string(p, field);
        }
        case "url" -> {
          seen = JsonFields.mark(seen, 4, field);
          url = JsonFields.uri(p, field);
        }
        case "interval" -> {
          seen = JsonFields.mark(seen, 5, field);
          interval = JsonFields.duration(p, field);
        }
        case "expectedStatus" -> {
          seen = JsonFields.mark(seen, 6, field);
          expectedStatus = statusRanges(p);
        }
        case "method" -> {
          seen = JsonFields.mark(seen, 7, field);
          method = JsonFields.string(p, field);
        }
        case "timeout" -> {
          seen = JsonFields.mark(seen, 8, field);
          timeout = JsonFields.duration(p, field);
        }
        case "maxRedirects" -> {
          seen = JsonFields.mark(seen, 9, field);
          maxRedirects = JsonFields.int32(p, field);
        }
        case "updatedAt" -> {
          seen = JsonFields.mark(seen, 10, field);
          updatedAt = JsonFields.instant(p, field);
        }
        case "mustMatch" -> {
          seen = JsonFields.mark(seen, 11, field);
          mustMatch = JsonFields.string(p, field);
        }
        case "mustNotMatch" -> {
          seen = JsonFields.mark(seen, 12, field);
          mustNotMatch = JsonFields.string(p, field);
        }
        case "headers" -> {
          seen = JsonFields.mark(seen, 13, field);
          headers = headers(p);
        }
        case "body" -> {
          seen = JsonFields.mark(seen, 14, field);
          body = JsonFields.string(p, field);
        }
        case "tags" -> {
          seen = JsonFields.mark(seen, 15, field);
          tags = tags(p);
        }
        case "alertPolicy" -> {
          seen = JsonFields.mark(seen, 16, field);
          alertPolicy = JsonFields.string(p, field);
        }
        case "alertOverrides" -> {
          seen = JsonFields.mark(seen, 17, field);
          alertOverrides = PolicyJson.readFields(p, field);
        }
        default -> {
          // A field of a later minor version: skipped, but still checked for duplicates.
          unknown = Unknown.skip(p, field, unknown);
        }
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new TargetSpec(
        id,
        version,
        name,
        url,
        interval,
        Optional.ofNullable(mustMatch),
        Optional.ofNullable(mustNotMatch),
        expectedStatus,
        method,
        headers,
        Optional.ofNullable(body),
        timeout,
        maxRedirects,
        tags,
        updatedAt,
        Optional.ofNullable(alertPolicy),
        alertOverrides);
  }

  private static StatusRanges statusRanges(JsonParser p) throws IOException {
    String text = JsonFields.string(p, "expectedStatus");
    return StatusRanges.parse(text); // InvalidEventException maps to INVALID_VALUE
  }

  private static Map<String, String> headers(JsonParser p) throws IOException {
    JsonFields.startObject(p, "headers");
    Map<String, String> headers = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      if (headers.put(name, JsonFields.string(p, "headers." + name)) != null) {
        throw JsonFields.duplicate("headers." + name);
      }
    }
    return headers;
  }

  static List<String> tags(JsonParser p) throws IOException {
    return JsonFields.strings(p, "tags", Integer.MAX_VALUE);
  }

}
