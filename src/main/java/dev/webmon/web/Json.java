package dev.webmon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON in and out of the API: one configured mapper, strict reading. Thread-safe. */
final class Json {
  /** Largest JSON request body read (the import of 10 000 targets fits). */
  static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** Field errors one body reports at most for its unstorable text. */
  private static final int MAX_TEXT_ERRORS = 20;

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(32).maxDocumentLength(MAX_BODY_BYTES).build());
  }

  private Json() {}

  /** Writes a value as the JSON response. */
  static void send(Context ctx, int status, Object value) {
    try {
      ctx.status(status).contentType("application/json; charset=utf-8").result(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  /** The request body as a JSON object; a malformed body is a 400 naming "body". */
  static JsonNode readObject(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ValidationException("body", "must be JSON with Content-Type: application/json");
    }
    return parseObject(ctx.bodyAsBytes(), "body");
  }

  static JsonNode parseObject(byte[] bytes, String field) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new ValidationException(field, "is not valid JSON: " + shortMessage(e));
    }
    if (node == null || !node.isObject()) {
      throw new ValidationException(field, "must be a JSON object");
    }
    refuseUnstorableText(node, "");
    return node;
  }

  /**
   * Refuses text that cannot be stored as sent, in any string or field name of {@code node}:
   * NUL characters (PostgreSQL's text and jsonb refuse them) and unpaired UTF-16 surrogates (a
   * {@code \ud800} escape: UTF-8 has no encoding for it, so it would be stored as "?"). Each
   * problem names its path below {@code path} ({@code name}, {@code settings.url}, {@code tags[1]}).
   *
   * @throws ValidationException naming every such field (up to 20)
   */
  static void refuseUnstorableText(JsonNode node, String path) {
    List<FieldError> errors = new ArrayList<>();
    collectUnstorable(node, path, errors);
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
  }

  private static void collectUnstorable(JsonNode node, String path, List<FieldError> errors) {
    if (errors.size() >= MAX_TEXT_ERRORS) {
      return;
    }
    if (node.isTextual()) {
      unstorable(node.textValue()).ifPresent(why -> errors.add(new FieldError(path.isEmpty() ? "body" : path, "must not contain " + why)));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collectUnstorable(node.get(i), path + "[" + i + "]", errors);
      }
    } else if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        Optional<String> badName = unstorable(e.getKey());
        if (badName.isPresent()) {
          errors.add(new FieldError(path.isEmpty() ? "body" : path, "has a field name that contains " + badName.get()));
        } else {
          collectUnstorable(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), errors);
        }
      }
    }
  }

  /** What makes {@code s} unstorable, if anything. */
  private static Optional<String> unstorable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == 0) {
        return Optional.of("NUL characters (\\u0000)");
      }
      if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(ch)) {
        return Optional.of("an unpaired UTF-16 surrogate (\\u" + Integer.toHexString(ch) + "): not a character");
      }
    }
    return Optional.empty();
  }

  /** Jackson's message without the source excerpt (which may hold secrets) and location noise. */
  static String shortMessage(IOException e) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return "unreadable";
    }
    m = m.replaceAll("[\\r\\n]+", " ").replaceFirst("^(?:[a-z]\\w*\\.)+\\w*(?:Exception|Error): ", "");
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }
}
