package dev.webmon.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * The names of the unknown fields of one object (fields of a later minor version), to refuse
 * duplicates among them; their values are skipped, checking duplicate keys in nested objects too.
 * Allocated only when an unknown field appears. Not thread-safe; one per object being read.
 */
final class Unknown {
  private final Set<String> names = new HashSet<>();

  private Unknown() {}

  /**
   * Skips the value the parser is on, which belongs to unknown field {@code field}.
   *
   * @return {@code unknown}, or a new instance if it was null
   */
  static Unknown skip(JsonParser p, String field, Unknown unknown) throws IOException {
    Unknown u = unknown == null ? new Unknown() : unknown;
    if (!u.names.add(field)) {
      throw JsonFields.duplicate(field);
    }
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
      skipStructure(p, field);
    }
    return u;
  }

  private static void skipStructure(JsonParser p, String field) throws IOException {
    // One name set per open object; arrays push an empty marker. Depth is bounded by the
    // parser's nesting limit.
    ArrayDeque<Set<String>> open = new ArrayDeque<>();
    open.push(p.currentToken() == JsonToken.START_OBJECT ? new HashSet<>() : Set.of());
    while (!open.isEmpty()) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return; // the parser reports the unexpected end on the next read
      }
      switch (t) {
        case START_OBJECT -> open.push(new HashSet<>());
        case START_ARRAY -> open.push(Set.of());
        case END_OBJECT, END_ARRAY -> open.pop();
        case FIELD_NAME -> {
          if (!open.peek().add(p.currentName())) {
            throw JsonFields.duplicate(field + "." + p.currentName());
          }
        }
        default -> {}
      }
    }
  }
}
