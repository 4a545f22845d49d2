package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A channel as a client sent it (API JSON or the UI form), before it is checked against the
 * channel layer and the stored channel: the shape errors found while reading it. In {@code
 * settings} a secret sent as {@link TargetValidator#MASK} or left out keeps the stored value, a
 * JSON {@code null} clears it. Immutable.
 *
 * @param id the id as sent; empty when absent (derived from the name on create)
 * @param settings every setting sent, secrets included, as JSON values
 * @param templates {@code subject} and/or {@code body}
 */
record ChannelRequest(
    Optional<String> id,
    Optional<String> type,
    Optional<String> name,
    boolean isDefault,
    String minSeverity,
    boolean sendResolved,
    List<String> routePolicies,
    List<String> routeTags,
    ObjectNode settings,
    ObjectNode templates,
    List<FieldError> errors) {
  static final List<String> FIELDS =
      List.of("id", "type", "name", "default", "minSeverity", "sendResolved", "routePolicies", "routeTags", "settings", "templates");
  static final Set<String> READ_ONLY = Set.of("version", "updatedAt");
  static final String DEFAULT_SEVERITY = "certificate";

  ChannelRequest {
    routePolicies = List.copyOf(routePolicies);
    routeTags = List.copyOf(routeTags);
    settings = settings.deepCopy();
    templates = templates.deepCopy();
    errors = List.copyOf(errors);
  }

  static ChannelRequest fromJson(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f) && !READ_ONLY.contains(f)) {
        errors.add(new FieldError(f, "is not a known field; known fields: " + String.join(", ", FIELDS)));
      }
    }
    ObjectNode settings = object(node, "settings", errors);
    ObjectNode templates = object(node, "templates", errors);
    for (Map.Entry<String, JsonNode> e : templates.properties()) {
      if (!e.getKey().equals("subject") && !e.getKey().equals("body")) {
        errors.add(new FieldError("templates." + e.getKey(), "is not a template; templates: subject, body"));
      } else if (!e.getValue().isTextual() && !e.getValue().isNull()) {
        errors.add(new FieldError("templates." + e.getKey(), "must be a string (a Pebble template)"));
      }
    }
    return new ChannelRequest(
        text(node, "id", errors),
        text(node, "type", errors),
        text(node, "name", errors),
        bool(node, "default", false, errors),
        text(node, "minSeverity", errors).orElse(DEFAULT_SEVERITY),
        bool(node, "sendResolved", true, errors),
        texts(node, "routePolicies", errors),
        texts(node, "routeTags", errors),
        settings,
        templates,
        errors);
  }

  /** The form's checkbox that removes a stored secret: {@code settings.<key>.clear}. */
  static String clearInput(String key) {
    return "settings." + key + ".clear";
  }

  /**
   * Reads the UI form: inputs {@code settings.<key>} (a blank secret keeps the stored one; the
   * box {@code settings.<key>.clear} removes it, as a JSON {@code null} does in the API), lists
   * comma-separated, {@code templates.subject}/{@code templates.body} (blank: the default).
   */
  static ChannelRequest fromForm(Map<String, List<String>> form) {
    List<FieldError> errors = new ArrayList<>();
    Optional<String> type = formText(form, "type");
    ObjectNode settings = JsonNodeFactory.instance.objectNode();
    for (ChannelFields.Field f : ChannelFields.of(type.orElse(""))) {
      Optional<String> v = formText(form, "settings." + f.key());
      if (f.secret() && form.containsKey(clearInput(f.key()))) {
        if (v.isPresent()) {
          errors.add(new FieldError("settings." + f.key(), "type a new value or remove the stored one, not both"));
        } else {
          settings.putNull(f.key());
        }
        continue;
      }
      if (v.isEmpty()) {
        continue; // not set, or (a secret) kept
      }
      switch (f.kind()) {
        case LIST -> {
          var array = settings.putArray(f.key());
          for (String part : v.get().split(",")) {
            if (!part.isBlank()) {
              array.add(part.strip());
            }
          }
        }
        case NUMBER -> {
          Optional<Long> n = RouteParams.parseLong(v.get());
          if (n.isPresent()) {
            settings.put(f.key(), n.get());
          } else {
            errors.add(new FieldError("settings." + f.key(), "must be a whole number"));
          }
        }
        default -> settings.put(f.key(), v.get());
      }
    }
    ObjectNode templates = JsonNodeFactory.instance.objectNode();
    formText(form, "templates.subject").ifPresent(s -> templates.put("subject", s));
    formText(form, "templates.body").ifPresent(s -> templates.put("body", s));
    return new ChannelRequest(
        formText(form, "id"),
        type,
        formText(form, "name"),
        form.containsKey("default"),
        formText(form, "minSeverity").orElse(DEFAULT_SEVERITY),
        form.containsKey("sendResolved"),
        commaList(form, "routePolicies"),
        commaList(form, "routeTags"),
        settings,
        templates,
        errors);
  }

  private static Optional<String> text(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      errors.add(new FieldError(field, "must be a string"));
      return Optional.empty();
    }
    return Optional.of(v.asText());
  }

  private static boolean bool(JsonNode node, String field, boolean fallback, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      errors.add(new FieldError(field, "must be true or false"));
      return fallback;
    }
    return v.asBoolean();
  }

  private static List<String> texts(JsonNode node, String field, List<FieldError> errors) {
    List<String> out = new ArrayList<>();
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      errors.add(new FieldError(field, "must be an array of strings"));
      return out;
    }
    for (int i = 0; i < v.size(); i++) {
      if (v.get(i).isTextual()) {
        out.add(v.get(i).asText());
      } else {
        errors.add(new FieldError(field + "[" + i + "]", "must be a string"));
      }
    }
    return out;
  }

  private static ObjectNode object(JsonNode node, String field, List<FieldError> errors) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!v.isObject()) {
      errors.add(new FieldError(field, "must be an object"));
      return JsonNodeFactory.instance.objectNode();
    }
    return (ObjectNode) v;
  }

  private static Optional<String> formText(Map<String, List<String>> form, String name) {
    List<String> values = form.getOrDefault(name, List.of());
    return values.isEmpty() || values.get(0).isBlank() ? Optional.empty() : Optional.of(values.get(0).strip());
  }

  private static List<String> commaList(Map<String, List<String>> form, String name) {
    List<String> out = new ArrayList<>();
    for (String part : formText(form, name).orElse("").split(",")) {
      if (!part.isBlank()) {
        out.add(part.strip());
      }
    }
    return out;
  }
}
