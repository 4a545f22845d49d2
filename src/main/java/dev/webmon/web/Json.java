package dev.webmon.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;
import java.io.IOException;

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
          .build();

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
    return node;
  }

  /** Jackson's message without the source excerpt (which may hold secrets) and location noise. */
  static String shortMessage(IOException e) {
    String m = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return "unreadable";
    }
    m = m.replaceAll("[\\r\\n]+", " ");
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }
}
