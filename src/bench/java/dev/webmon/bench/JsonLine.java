package dev.webmon.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The one JSON object a bench prints as its last line, written by Jackson. Fields keep the order
 * they are put in; decimals are rounded to a given number of places, as {@code printf("%.Nf")}
 * would, so the line stays readable. Not thread-safe.
 */
public final class JsonLine {
  private static final ObjectMapper MAPPER = JsonMapper.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private final ObjectNode node = MAPPER.createObjectNode();

  private JsonLine() {}

  /** A summary line, starting with {@code "bench":name}. */
  public static JsonLine bench(String name) {
    return new JsonLine().put("bench", name);
  }

  /** An object to nest in a summary line. */
  public static JsonLine object() {
    return new JsonLine();
  }

  public JsonLine put(String field, String value) {
    node.put(field, value);
    return this;
  }

  public JsonLine put(String field, long value) {
    node.put(field, value);
    return this;
  }

  public JsonLine put(String field, boolean value) {
    node.put(field, value);
    return this;
  }

  /** A decimal rounded half-up to {@code decimals} places; NaN and the infinities as Jackson writes them. */
  public JsonLine put(String field, double value, int decimals) {
    if (Double.isFinite(value)) {
      node.put(field, BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_UP));
    } else {
      node.put(field, value);
    }
    return this;
  }

  public JsonLine put(String field, JsonLine nested) {
    node.set(field, nested.node);
    return this;
  }

  /** The object on one line. */
  @Override
  public String toString() {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // a tree of strings, numbers and booleans always writes
    }
  }
}
