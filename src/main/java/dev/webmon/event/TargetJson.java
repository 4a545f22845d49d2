package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    g.writeStringField(SchemaVersion.FIELD, SchemaVersion.CURRENT);
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

    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          SchemaVersion.check(p);
          seen |= SEEN_V;
        }
        case "id" -> {
          id = JsonFields.string(p, field);
          seen |= 1 << 1;
        }
        case "version" -> {
          version = JsonFields.int64(p, field);
          seen |= 1 << 2;
        }
        case "name" -> {
          name = JsonFields.string(p, field);
          seen |= 1 << 3;
        }
        case "url" -> {
          url = JsonFields.uri(p, field);
          seen |= 1 << 4;
        }
        case "interval" -> {
          interval = JsonFields.duration(p, field);
          seen |= 1 << 5;
        }
        case "expectedStatus" -> {
          expectedStatus = statusRanges(p);
          seen |= 1 << 6;
        }
        case "method" -> {
          method = JsonFields.string(p, field);
          seen |= 1 << 7;
        }
        case "timeout" -> {
          timeout = JsonFields.duration(p, field);
          seen |= 1 << 8;
        }
        case "maxRedirects" -> {
          maxRedirects = JsonFields.int32(p, field);
          seen |= 1 << 9;
        }
        case "updatedAt" -> {
          updatedAt = JsonFields.instant(p, field);
          seen |= 1 << 10;
        }
        case "mustMatch" -> mustMatch = JsonFields.string(p, field);
        case "mustNotMatch" -> mustNotMatch = JsonFields.string(p, field);
        case "headers" -> headers = headers(p);
        case "body" -> body = JsonFields.string(p, field);
        case "tags" -> tags = tags(p);
        default -> p.skipChildren(); // a field of a later minor version
      }
    }
    end.check(p);
    for (int i = 0; i < REQUIRED.length; i++) {
      if ((seen & (1 << i)) == 0) {
        throw new DecodeException(DecodeError.MISSING_FIELD, REQUIRED[i], "is required");
      }
    }
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
        updatedAt);
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
      headers.put(name, JsonFields.string(p, "headers." + name));
    }
    return headers;
  }

  private static List<String> tags(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw JsonFields.wrongType("tags", "an array", p.currentToken());
    }
    List<String> tags = new ArrayList<>();
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      if (t != JsonToken.VALUE_STRING) {
        throw JsonFields.wrongType("tags[" + tags.size() + "]", "a string", t);
      }
      tags.add(p.getText());
    }
    return tags;
  }
}
