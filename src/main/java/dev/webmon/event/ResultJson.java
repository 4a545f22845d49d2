package dev.webmon.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The JSON mapping of {@link CheckResult}, by hand: see {@code docs/events.md}. Stateless. */
final class ResultJson {
  private static final String[] REQUIRED = {
    "v", "resultId", "targetId", "targetVersion", "location", "agentId", "url", "scheduledAt",
    "startedAt", "outcome", "timings", "bodyBytes", "redirects"
  };
  private static final String[] TIMINGS = {
    "dnsMicros", "connectMicros", "tlsMicros", "ttfbMicros", "transferMicros", "totalMicros"
  };

  private ResultJson() {}

  static void write(CheckResult r, JsonGenerator g) throws IOException {
    g.writeStartObject();
    // 1.1 added maintenance; a result without it stays byte-for-byte 1.0.
    g.writeStringField(SchemaVersion.FIELD, r.maintenance() ? SchemaVersion.MAINTENANCE : SchemaVersion.CURRENT);
    g.writeStringField("resultId", r.resultId().toString());
    g.writeStringField("targetId", r.targetId());
    g.writeNumberField("targetVersion", r.targetVersion());
    g.writeStringField("location", r.location());
    g.writeStringField("agentId", r.agentId());
    g.writeStringField("url", r.url().toString());
    g.writeStringField("scheduledAt", Instants.format(r.scheduledAt()));
    g.writeStringField("startedAt", Instants.format(r.startedAt()));
    g.writeStringField("outcome", r.outcome().name());
    if (r.reason().isPresent()) {
      g.writeStringField("reason", r.reason().get().name());
    }
    if (r.statusCode().isPresent()) {
      g.writeNumberField("statusCode", r.statusCode().get());
    }
    PhaseTimings t = r.timings();
    g.writeObjectFieldStart("timings");
    g.writeNumberField("dnsMicros", t.dnsMicros());
    g.writeNumberField("connectMicros", t.connectMicros());
    g.writeNumberField("tlsMicros", t.tlsMicros());
    g.writeNumberField("ttfbMicros", t.ttfbMicros());
    g.writeNumberField("transferMicros", t.transferMicros());
    g.writeNumberField("totalMicros", t.totalMicros());
    g.writeEndObject();
    g.writeNumberField("bodyBytes", r.bodyBytes());
    if (r.httpVersion().isPresent()) {
      g.writeStringField("httpVersion", r.httpVersion().get());
    }
    if (r.remoteAddress().isPresent()) {
      g.writeStringField("remoteAddress", r.remoteAddress().get());
    }
    if (r.tlsExpiresAt().isPresent()) {
      g.writeStringField("tlsExpiresAt", Instants.format(r.tlsExpiresAt().get()));
    }
    g.writeNumberField("redirects", r.redirects());
    if (r.finalUrl().isPresent()) {
      g.writeStringField("finalUrl", r.finalUrl().get().toString());
    }
    if (r.detail().isPresent()) {
      g.writeStringField("detail", r.detail().get());
    }
    if (r.maintenance()) {
      g.writeBooleanField("maintenance", true);
    }
    g.writeEndObject();
  }

  /** As {@link TargetJson#read}. */
  static CheckResult read(JsonParser p, int seen, EventCodec.EndCheck end) throws IOException {
    UUID resultId = null;
    String targetId = null;
    long targetVersion = 0;
    String location = null;
    String agentId = null;
    URI url = null;
    Instant scheduledAt = null;
    Instant startedAt = null;
    Outcome outcome = null;
    Reason reason = null;
    Integer statusCode = null;
    PhaseTimings timings = null;
    long bodyBytes = 0;
    String httpVersion = null;
    String remoteAddress = null;
    Instant tlsExpiresAt = null;
    int redirects = 0;
    URI finalUrl = null;
    String detail = null;
    boolean maintenance = false;

    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "v" -> {
          seen = JsonFields.mark(seen, 0, field);
          SchemaVersion.check(p);
        }
        case "resultId" -> {
          seen = JsonFields.mark(seen, 1, field);
          resultId = JsonFields.uuid(p, field);
        }
        case "targetId" -> {
          seen = JsonFields.mark(seen, 2, field);
          targetId = JsonFields.string(p, field);
        }
        case "targetVersion" -> {
          seen = JsonFields.mark(seen, 3, field);
          targetVersion = JsonFields.int64(p, field);
        }
        case "location" -> {
          seen = JsonFields.mark(seen, 4, field);
          location = JsonFields.string(p, field);
        }
        case "agentId" -> {
          seen = JsonFields.mark(seen, 5, field);
          agentId = JsonFields.string(p, field);
        }
        case "url" -> {
          seen = JsonFields.mark(seen, 6, field);
          url = JsonFields.uri(p, field);
        }
        case "scheduledAt" -> {
          seen = JsonFields.mark(seen, 7, field);
          scheduledAt = JsonFields.instant(p, field);
        }
        case "startedAt" -> {
          seen = JsonFields.mark(seen, 8, field);
          startedAt = JsonFields.instant(p, field);
        }
        case "outcome" -> {
          seen = JsonFields.mark(seen, 9, field);
          outcome = JsonFields.enumValue(p, field, Outcome.class);
        }
        case "timings" -> {
          seen = JsonFields.mark(seen, 10, field);
          timings = timings(p);
        }
        case "bodyBytes" -> {
          seen = JsonFields.mark(seen, 11, field);
          bodyBytes = JsonFields.int64(p, field);
        }
        case "redirects" -> {
          seen = JsonFields.mark(seen, 12, field);
          redirects = JsonFields.int32(p, field);
        }
        case "reason" -> {
          seen = JsonFields.mark(seen, 13, field);
          reason = JsonFields.enumValue(p, field, Reason.class);
        }
        case "statusCode" -> {
          seen = JsonFields.mark(seen, 14, field);
          statusCode = JsonFields.int32(p, field);
        }
        case "httpVersion" -> {
          seen = JsonFields.mark(seen, 15, field);
          httpVersion = JsonFields.string(p, field);
        }
        case "remoteAddress" -> {
          seen = JsonFields.mark(seen, 16, field);
          remoteAddress = JsonFields.string(p, field);
        }
        case "tlsExpiresAt" -> {
          seen = JsonFields.mark(seen, 17, field);
          tlsExpiresAt = JsonFields.instant(p, field);
        }
        case "finalUrl" -> {
          seen = JsonFields.mark(seen, 18, field);
          finalUrl = JsonFields.uri(p, field);
        }
        case "detail" -> {
          seen = JsonFields.mark(seen, 19, field);
          detail = JsonFields.string(p, field);
        }
        case "maintenance" -> {
          seen = JsonFields.mark(seen, 20, field);
          maintenance = bool(p, field);
        }
        default -> {
          // A field of a later minor version: skipped, but still checked for duplicates.
          unknown = Unknown.skip(p, field, unknown);
        }
      }
    }
    end.check(p);
    JsonFields.requireAll(seen, REQUIRED);
    return new CheckResult(
        resultId,
        targetId,
        targetVersion,
        location,
        agentId,
        url,
        scheduledAt,
        startedAt,
        outcome,
        Optional.ofNullable(reason),
        Optional.ofNullable(statusCode),
        timings,
        bodyBytes,
        Optional.ofNullable(httpVersion),
        Optional.ofNullable(remoteAddress),
        Optional.ofNullable(tlsExpiresAt),
        redirects,
        Optional.ofNullable(finalUrl),
        Optional.ofNullable(detail),
        maintenance);
  }

  private static boolean bool(JsonParser p, String field) {
    JsonToken t = p.currentToken();
    if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
      throw JsonFields.wrongType(field, "a boolean", t);
    }
    return t == JsonToken.VALUE_TRUE;
  }

  private static PhaseTimings timings(JsonParser p) throws IOException {
    JsonFields.startObject(p, "timings");
    long[] v = new long[TIMINGS.length];
    int seen = 0;
    Unknown unknown = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      int i =
          switch (field) {
            case "dnsMicros" -> 0;
            case "connectMicros" -> 1;
            case "tlsMicros" -> 2;
            case "ttfbMicros" -> 3;
            case "transferMicros" -> 4;
            case "totalMicros" -> 5;
            default -> -1;
          };
      if (i < 0) {
        unknown = Unknown.skip(p, "timings." + field, unknown); // a later minor's phase
      } else {
        seen = JsonFields.mark(seen, i, "timings." + field);
        v[i] = JsonFields.int64(p, "timings." + field);
      }
    }
    for (int i = 0; i < TIMINGS.length; i++) {
      if ((seen & (1 << i)) == 0) {
        throw new DecodeException(
            DecodeError.MISSING_FIELD, "timings." + TIMINGS[i], "is required");
      }
    }
    return new PhaseTimings(v[0], v[1], v[2], v[3], v[4], v[5]);
  }
}
