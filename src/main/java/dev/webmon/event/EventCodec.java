package dev.webmon.event;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.webmon.Text;
import dev.webmon.WebmonException;
import java.io.IOException;
import java.util.List;

/**
 * Encodes and decodes the events of {@code webmon.targets}, {@code webmon.results}, {@code
 * webmon.incidents}, {@code webmon.incident-commands}, {@code webmon.alert-policies} and {@code
 * webmon.maintenance} as JSON
 * (schema in {@code docs/events.md}). Thread-safe: share one instance.
 *
 * <p>Decoding is strict and total: any input that is not exactly a valid event of schema major 1
 * throws {@link DecodeException}, and nothing else is thrown. Unknown fields are ignored, so that
 * producers may add fields in a later minor version. Encoding writes {@code "v":"1.0"} first,
 * omits absent optional fields and empty collections, and never writes {@code null}.
 */
public final class EventCodec {
  /** The default largest input (and output) accepted, 64 KiB. */
  public static final int DEFAULT_MAX_BYTES = 64 * 1024;

  /** Deepest nesting of JSON arrays and objects accepted (events use 2). */
  static final int MAX_NESTING = 32;

  private final int maxBytes;
  private final JsonFactory factory;

  /** A codec with the default size limit, {@value #DEFAULT_MAX_BYTES} bytes. */
  public EventCodec() {
    this(DEFAULT_MAX_BYTES);
  }

  /**
   * A codec refusing inputs, and encodings, larger than {@code maxBytes}.
   *
   * @param maxBytes at least 1024
   * @throws IllegalArgumentException if {@code maxBytes} is below 1024
   */
  public EventCodec(int maxBytes) {
    if (maxBytes < 1024) {
      throw new IllegalArgumentException("maxBytes must be at least 1024, got " + maxBytes);
    }
    this.maxBytes = maxBytes;
    this.factory =
        JsonFactory.builder()
            // Duplicate keys are refused by the readers themselves (cheaper than Jackson's check).
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Field names come from untrusted input: canonicalise (fast) but do not intern.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxDocumentLength(maxBytes)
                    .maxStringLength(maxBytes)
                    .maxNameLength(1024)
                    .maxNumberLength(100)
                    .build())
            .build();
  }

  /** The size limit of this codec, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /**
   * Encodes a target as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(TargetSpec target) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
      TargetJson.write(target, g);
    } catch (IOException e) {
      throw new WebmonException("cannot encode target " + target.id(), e);
    }
    return checkSize(out.toByteArray());
  }

  /**
   * Encodes a result as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(CheckResult result) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
      ResultJson.write(result, g);
    } catch (IOException e) {
      throw new WebmonException("cannot encode result " + result.resultId(), e);
    }
    return checkSize(out.toByteArray());
  }

  /**
   * Encodes an incident transition as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(IncidentEvent incident) {
    return write(g -> IncidentJson.write(incident, g), "incident " + incident.incidentId());
  }

  /**
   * An incident's {@code locations} as the JSON array of its wire format ({@code []} when empty),
   * the form the store keeps them in. Thread-safe.
   */
  public static String locationsJson(List<LocationStatus> locations) {
    return IncidentJson.locationsJson(locations);
  }

  /**
   * Encodes an incident command as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(IncidentCommand command) {
    return write(g -> CommandJson.write(command, g), "command " + command.commandId());
  }

  /**
   * Encodes an alert policy as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(AlertPolicySpec policy) {
    return write(g -> PolicyJson.write(policy, g), "policy " + policy.name());
  }

  /**
   * Encodes a maintenance window as UTF-8 JSON.
   *
   * @throws InvalidEventException (field {@code $}) if the encoding exceeds {@link #maxBytes()}
   */
  public byte[] encode(MaintenanceWindow window) {
    return write(g -> MaintenanceJson.write(window, g), "maintenance window " + window.id());
  }

  @FunctionalInterface
  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private byte[] write(Writer writer, String what) {
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
      writer.write(g);
    } catch (IOException e) {
      throw new WebmonException("cannot encode " + what, e);
    }
    return checkSize(out.toByteArray());
  }

  private byte[] checkSize(byte[] bytes) {
    if (bytes.length > maxBytes) {
      throw new InvalidEventException(
          "$", "encodes to " + bytes.length + " bytes, more than the limit of " + maxBytes);
    }
    return bytes;
  }

  /**
   * Decodes a target.
   *
   * @param bytes UTF-8 JSON; null (a tombstone) is refused as EMPTY
   * @throws DecodeException for any input that is not a valid target; nothing else
   */
  public TargetSpec decodeTarget(byte[] bytes) {
    return decode(bytes, TargetJson::read);
  }

  /**
   * Decodes a result.
   *
   * @param bytes UTF-8 JSON; null is refused as EMPTY
   * @throws DecodeException for any input that is not a valid result; nothing else
   */
  public CheckResult decodeResult(byte[] bytes) {
    return decode(bytes, ResultJson::read);
  }

  /**
   * Decodes an incident transition.
   *
   * @param bytes UTF-8 JSON; null is refused as EMPTY
   * @throws DecodeException for any input that is not a valid incident event; nothing else
   */
  public IncidentEvent decodeIncident(byte[] bytes) {
    return decode(bytes, IncidentJson::read);
  }

  /**
   * Decodes an incident command.
   *
   * @param bytes UTF-8 JSON; null is refused as EMPTY
   * @throws DecodeException for any input that is not a valid command; nothing else
   */
  public IncidentCommand decodeCommand(byte[] bytes) {
    return decode(bytes, CommandJson::read);
  }

  /**
   * Decodes an alert policy.
   *
   * @param bytes UTF-8 JSON; null (a tombstone) is refused as EMPTY
   * @throws DecodeException for any input that is not a valid policy; nothing else
   */
  public AlertPolicySpec decodePolicy(byte[] bytes) {
    return decode(bytes, PolicyJson::read);
  }

  /**
   * Decodes a maintenance window.
   *
   * @param bytes UTF-8 JSON; null (a tombstone) is refused as EMPTY
   * @throws DecodeException for any input that is not a valid window; nothing else
   */
  public MaintenanceWindow decodeMaintenance(byte[] bytes) {
    return decode(bytes, MaintenanceJson::read);
  }

  /** Reads the fields of the root object after its first token. */
  @FunctionalInterface
  interface FieldsReader<T> {
    T read(JsonParser p, int seen, EndCheck end) throws IOException;
  }

  /** Called by a {@link FieldsReader} at the root object's end, before building the record. */
  @FunctionalInterface
  interface EndCheck {
    void check(JsonParser p) throws IOException;
  }

  private static final EndCheck NOTHING_AFTER =
      p -> {
        if (p.nextToken() != null) {
          throw new DecodeException(
              DecodeError.MALFORMED_JSON, null, "content after the end of the JSON object");
        }
      };

  private <T> T decode(byte[] bytes, FieldsReader<T> reader) {
    try {
      precheck(bytes);
      try (JsonParser p = factory.createParser(bytes)) {
        startRoot(p);
        if (p.nextToken() == JsonToken.FIELD_NAME && p.currentName().equals(SchemaVersion.FIELD)) {
          // Fast path: our encoder writes "v" first, so its major is known before any field.
          p.nextToken();
          SchemaVersion.check(p);
          return reader.read(p, TargetJson.SEEN_V, NOTHING_AFTER);
        }
      }
      // "v" is elsewhere (another producer): find and check it before reading fields whose
      // meaning depends on it, then read again from the start.
      checkVersionAnywhere(bytes);
      try (JsonParser p = factory.createParser(bytes)) {
        startRoot(p);
        return reader.read(p, 0, NOTHING_AFTER);
      }
    } catch (DecodeException e) {
      throw e;
    } catch (StreamConstraintsException e) {
      throw new DecodeException(
          DecodeError.MALFORMED_JSON, null, "exceeds a parser limit: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new DecodeException(DecodeError.MALFORMED_JSON, null, describe(e));
    } catch (IOException e) {
      throw new DecodeException(DecodeError.MALFORMED_JSON, null, String.valueOf(e.getMessage()));
    } catch (InvalidEventException e) {
      throw new DecodeException(DecodeError.INVALID_VALUE, e.field(), problem(e), e);
    } catch (StackOverflowError e) {
      // Not expected (nesting is limited and nothing recurses), but decode must stay total.
      throw new DecodeException(DecodeError.MALFORMED_JSON, null, "nesting too deep");
    } catch (RuntimeException e) {
      // A bug in a validator must not become an unknown exception in the sink's poll loop.
      throw new DecodeException(
          DecodeError.INVALID_VALUE, null, "unexpected " + e.getClass().getSimpleName(), e);
    }
  }

  private void precheck(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new DecodeException(DecodeError.EMPTY, null, "no bytes");
    }
    if (bytes.length > maxBytes) {
      throw new DecodeException(
          DecodeError.OVERSIZED,
          null,
          bytes.length + " bytes is more than the limit of " + maxBytes);
    }
    int bad = Utf8.firstProblem(bytes);
    if (bad >= 0) {
      if (bytes[bad] == 0) {
        throw new DecodeException(DecodeError.MALFORMED_JSON, null, "NUL byte at offset " + bad);
      }
      throw new DecodeException(
          DecodeError.INVALID_UTF8, null, "invalid UTF-8 sequence at offset " + bad);
    }
    if (bytes.length >= 3
        && bytes[0] == (byte) 0xEF
        && bytes[1] == (byte) 0xBB
        && bytes[2] == (byte) 0xBF) {
      throw new DecodeException(DecodeError.MALFORMED_JSON, null, "byte-order mark not allowed");
    }
  }

  private static void startRoot(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new DecodeException(DecodeError.EMPTY, null, "only whitespace");
    }
    if (first != JsonToken.START_OBJECT) {
      // Scalars and arrays: still require well-formed JSON, so malformed input says so.
      p.skipChildren();
      NOTHING_AFTER.check(p);
      throw JsonFields.wrongType("$", "an object", first);
    }
  }

  private void checkVersionAnywhere(byte[] bytes) throws IOException {
    try (JsonParser p = factory.createParser(bytes)) {
      startRoot(p);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        if (field.equals(SchemaVersion.FIELD)) {
          SchemaVersion.check(p);
          return;
        }
        p.skipChildren();
      }
      throw new DecodeException(
          DecodeError.MISSING_FIELD, SchemaVersion.FIELD, "is required (schema version)");
    }
  }

  private static String describe(JsonProcessingException e) {
    String msg = e.getOriginalMessage() == null ? null : Text.clip(e.getOriginalMessage(), 200);
    var loc = e.getLocation();
    return loc == null ? msg : msg + " (offset " + loc.getByteOffset() + ")";
  }

  private static String problem(InvalidEventException e) {
    String msg = e.getMessage();
    String prefix = e.field() + ": ";
    return msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg;
  }
}
