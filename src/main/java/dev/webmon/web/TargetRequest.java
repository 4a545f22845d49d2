package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.PolicyFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A target as a client sent it (API JSON, YAML import or the UI form), before validation. Only
 * the shape is checked here (types, unknown fields); {@link TargetValidator} checks the values.
 * Absent optional values are empty; the parse errors found are kept in {@link #errors()}.
 * Immutable.
 */
final class TargetRequest {
  /** The JSON/YAML field names, in documentation order. */
  static final List<String> FIELDS =
      List.of(
          "name", "url", "intervalSeconds", "regex", "mustNotMatch", "expectedStatus", "method", "headers", "body",
          "timeoutSeconds", "maxRedirects", "tags", "alertPolicy", "alertOverrides");

  /** Fields a client may send but that are ignored (read-only fields of a target as returned). */
  static final Set<String> READ_ONLY =
      Set.of("id", "version", "createdAt", "updatedAt", "status", "locations", "lastCheckAt");

  private final Scalars scalars;
  private final Map<String, String> headers;
  private final List<String> tags;
  private final PolicyFields alertOverrides;
  private final List<FieldError> errors;

  /** The scalar values as read; null where absent (the accessors turn that into empty). */
  private record Scalars(
      String name,
      String url,
      Long intervalSeconds,
      String regex,
      String mustNotMatch,
      String expectedStatus,
      String method,
      String body,
      Double timeoutSeconds,
      Integer maxRedirects,
      String alertPolicy) {}

  private TargetRequest(
      Scalars scalars, Map<String, String> headers, List<String> tags, PolicyFields alertOverrides, List<FieldError> errors) {
    this.scalars = scalars;
    this.headers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.tags = List.copyOf(tags);
    this.alertOverrides = alertOverrides;
    this.errors = List.copyOf(errors);
  }

  Optional<String> name() {
    return Optional.ofNullable(scalars.name());
  }

  Optional<String> url() {
    return Optional.ofNullable(scalars.url());
  }

  Optional<Long> intervalSeconds() {
    return Optional.ofNullable(scalars.intervalSeconds());
  }

  Optional<String> regex() {
    return Optional.ofNullable(scalars.regex());
  }

  Optional<String> mustNotMatch() {
    return Optional.ofNullable(scalars.mustNotMatch());
  }

  Optional<String> expectedStatus() {
    return Optional.ofNullable(scalars.expectedStatus());
  }

  Optional<String> method() {
    return Optional.ofNullable(scalars.method());
  }

  Map<String, String> headers() {
    return headers;
  }

  Optional<String> body() {
    return Optional.ofNullable(scalars.body());
  }

  Optional<Double> timeoutSeconds() {
    return Optional.ofNullable(scalars.timeoutSeconds());
  }

  Optional<Integer> maxRedirects() {
    return Optional.ofNullable(scalars.maxRedirects());
  }

  List<String> tags() {
    return tags;
  }

  /** The name of the target's alert policy; empty: by tag, else {@code default}. */
  Optional<String> alertPolicy() {
    return Optional.ofNullable(scalars.alertPolicy());
  }

  /** The target's own alert thresholds (checked field by field already). */
  PolicyFields alertOverrides() {
    return alertOverrides;
  }

  /** What was wrong with the shape of the request, by field. */
  List<FieldError> errors() {
    return errors;
  }

  /**
   * Reads a JSON (or YAML) object.
   *
   * @param prefix put before every field name in errors, e.g. {@code "targets[3]."}, or ""
   */
  static TargetRequest fromJson(JsonNode node, String prefix) {
    List<FieldError> errors = new ArrayList<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String field = names.next();
      if (!FIELDS.contains(field) && !READ_ONLY.contains(field)) {
        errors.add(new FieldError(prefix + field, "is not a known field; known fields: " + String.join(", ", FIELDS)));
      }
    }
    Reader r = new Reader(node, prefix, errors);
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode h = node.get("headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) {
        errors.add(new FieldError(prefix + "headers", "must be an object of header name to value"));
      } else {
        h.properties()
            .forEach(
                e -> {
                  if (e.getValue().isTextual()) {
                    headers.put(e.getKey(), e.getValue().asText());
                  } else {
                    errors.add(new FieldError(prefix + "headers." + e.getKey(), "value must be a string"));
                  }
                });
      }
    }
    List<String> tags = new ArrayList<>();
    JsonNode t = node.get("tags");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        errors.add(new FieldError(prefix + "tags", "must be an array of strings"));
      } else {
        for (int i = 0; i < t.size(); i++) {
          if (t.get(i).isTextual()) {
            tags.add(t.get(i).asText());
          } else {
            errors.add(new FieldError(prefix + "tags[" + i + "]", "must be a string"));
          }
        }
      }
    }
    Scalars scalars =
        new Scalars(
            r.text("name"),
            r.text("url"),
            r.integer("intervalSeconds"),
            r.text("regex"),
            r.text("mustNotMatch"),
            r.text("expectedStatus"),
            r.text("method"),
            r.text("body"),
            r.number("timeoutSeconds"),
            clampInt(r.integer("maxRedirects")),
            r.text("alertPolicy"));
    PolicyFields overrides = PolicyFields.NONE;
    JsonNode o = node.get("alertOverrides");
    if (o != null && !o.isNull()) {
      if (!o.isObject()) {
        errors.add(new FieldError(prefix + "alertOverrides", "must be an object of alert policy fields"));
      } else {
        o.fieldNames()
            .forEachRemaining(
                f -> {
                  if (!AlertFields.NAMES.contains(f)) {
                    errors.add(
                        new FieldError(
                            prefix + "alertOverrides." + f, "is not a known field; known fields: " + String.join(", ", AlertFields.NAMES)));
                  }
                });
        overrides = AlertFields.fromJson(o, prefix + "alertOverrides.", errors);
      }
    }
    return new TargetRequest(scalars, headers, tags, overrides, errors);
  }

  /**
   * Reads the UI form. Empty inputs count as absent. The interval comes from the preset select
   * ({@code intervalPreset}: seconds, or {@code custom} with {@code intervalSeconds}); headers
   * from a textarea of {@code Name: value} lines; tags from a comma-separated input.
   */
  static TargetRequest fromForm(Map<String, List<String>> form) {
    List<FieldError> errors = new ArrayList<>();
    Optional<Long> interval;
    String preset = first(form, "intervalPreset").orElse("custom");
    if (preset.equals("custom")) {
      interval = longValue(form, "intervalSeconds", errors);
    } else {
      try {
        interval = Optional.of(Long.parseLong(preset));
      } catch (NumberFormatException e) {
        errors.add(new FieldError("intervalSeconds", "choose a preset or enter seconds"));
        interval = Optional.empty();
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    String[] lines = first(form, "headers").orElse("").split("\\r?\\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        errors.add(new FieldError("headers", "line " + (i + 1) + " must look like 'Name: value'"));
        continue;
      }
      String name = line.substring(0, colon).strip();
      if (headers.put(name, line.substring(colon + 1).strip()) != null) {
        errors.add(new FieldError("headers." + name, "is given twice"));
      }
    }
    List<String> tags = new ArrayList<>();
    for (String tag : first(form, "tags").orElse("").split(",")) {
      if (!tag.isBlank()) {
        tags.add(tag.strip());
      }
    }
    Optional<Double> timeout = Optional.empty();
    Optional<String> timeoutText = first(form, "timeoutSeconds");
    if (timeoutText.isPresent()) {
      try {
        double d = Double.parseDouble(timeoutText.get());
        if (!Double.isFinite(d)) {
          throw new NumberFormatException();
        }
        timeout = Optional.of(d);
      } catch (NumberFormatException e) {
        errors.add(new FieldError("timeoutSeconds", "must be a number of seconds, e.g. 10 or 2.5"));
      }
    }
    Optional<Long> redirects = longValue(form, "maxRedirects", errors);
    Scalars scalars =
        new Scalars(
            first(form, "name").orElse(null),
            first(form, "url").orElse(null),
            interval.orElse(null),
            first(form, "regex").orElse(null),
            first(form, "mustNotMatch").orElse(null),
            first(form, "expectedStatus").orElse(null),
            first(form, "method").orElse(null),
            first(form, "body").orElse(null),
            timeout.orElse(null),
            clampInt(redirects.orElse(null)),
            first(form, "alertPolicy").orElse(null));
    PolicyFields overrides = AlertFields.fromForm(form, "alertOverrides.", "alertOverrides.", errors);
    return new TargetRequest(scalars, headers, tags, overrides, errors);
  }

  private static Optional<String> first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(values.get(0));
  }

  private static Optional<Long> longValue(Map<String, List<String>> form, String name, List<FieldError> errors) {
    Optional<String> text = first(form, name);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(text.get().strip()));
    } catch (NumberFormatException e) {
      errors.add(new FieldError(name, "must be a whole number"));
      return Optional.empty();
    }
  }

  /** Typed reads of optional scalar fields (null if absent or of the wrong type), recording type errors. */
  private record Reader(JsonNode node, String prefix, List<FieldError> errors) {
    String text(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isTextual()) {
        errors.add(new FieldError(prefix + field, "must be a string"));
        return null;
      }
      return v.asText();
    }

    Long integer(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        errors.add(new FieldError(prefix + field, "must be a whole number"));
        return null;
      }
      return v.asLong();
    }

    Double number(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        errors.add(new FieldError(prefix + field, "must be a number"));
        return null;
      }
      return v.asDouble();
    }
  }

  private static Integer clampInt(Long value) {
    return value == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
  }

  /** The method upper-cased, as the spec stores it. */
  Optional<String> methodUpper() {
    return method().map(m -> m.toUpperCase(Locale.ROOT));
  }
}
