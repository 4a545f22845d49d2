package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.PolicyFields;
import dev.webmon.notifier.NotifySettings;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An alert policy as a client sent it (API JSON or the UI form), before the checks against the
 * stored policies: the name, tags and fields, with the shape and range errors found. Immutable.
 *
 * @param name the name as sent; empty when absent (a PUT takes it from the path)
 * @param notifications the notification settings ({@code notify}); empty when not sent (a PUT keeps the stored ones)
 * @param errors what was wrong, by field
 */
record PolicyRequest(
    Optional<String> name, List<String> tags, PolicyFields fields, Optional<NotifySettings> notifications, List<FieldError> errors) {
  /** The JSON field names, in documentation order. */
  static final List<String> FIELDS = fieldNames();

  /** Fields a client may send but that are ignored (read-only fields of a policy as returned). */
  static final Set<String> READ_ONLY = Set.of("version", "updatedAt");

  PolicyRequest {
    tags = List.copyOf(tags);
    errors = List.copyOf(errors);
  }

  private static List<String> fieldNames() {
    List<String> names = new ArrayList<>(List.of("name", "tags"));
    names.addAll(AlertFields.NAMES);
    names.add("notify");
    return List.copyOf(names);
  }

  static PolicyRequest fromJson(JsonNode node) {
    List<FieldError> errors = new ArrayList<>();
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String field = names.next();
      if (!FIELDS.contains(field) && !READ_ONLY.contains(field)) {
        errors.add(new FieldError(field, "is not a known field; known fields: " + String.join(", ", FIELDS)));
      }
    }
    Optional<String> name = Optional.empty();
    JsonNode n = node.get("name");
    if (n != null && !n.isNull()) {
      if (n.isTextual()) {
        name = Optional.of(n.asText());
      } else {
        errors.add(new FieldError("name", "must be a string"));
      }
    }
    List<String> tags = new ArrayList<>();
    JsonNode t = node.get("tags");
    if (t != null && !t.isNull()) {
      if (!t.isArray()) {
        errors.add(new FieldError("tags", "must be an array of strings"));
      } else {
        for (int i = 0; i < t.size(); i++) {
          if (t.get(i).isTextual()) {
            tags.add(t.get(i).asText());
          } else {
            errors.add(new FieldError("tags[" + i + "]", "must be a string"));
          }
        }
      }
    }
    PolicyFields fields = AlertFields.fromJson(node, "", errors);
    Optional<NotifySettings> notify = node.has("notify") ? Optional.of(PolicyNotify.fromJson(node.get("notify"), errors)) : Optional.empty();
    return new PolicyRequest(name, tags, fields, notify, errors);
  }

  /** Reads the UI form: tags comma-separated, empty inputs inherit. */
  static PolicyRequest fromForm(Map<String, List<String>> form) {
    List<FieldError> errors = new ArrayList<>();
    List<String> nameValues = form.getOrDefault("name", List.of());
    Optional<String> name =
        nameValues.isEmpty() || nameValues.get(0).isBlank() ? Optional.empty() : Optional.of(nameValues.get(0).strip());
    List<String> tags = new ArrayList<>();
    List<String> tagValues = form.getOrDefault("tags", List.of());
    for (String tag : (tagValues.isEmpty() ? "" : tagValues.get(0)).split(",")) {
      if (!tag.isBlank()) {
        tags.add(tag.strip());
      }
    }
    PolicyFields fields = AlertFields.fromForm(form, "", "", errors);
    return new PolicyRequest(name, tags, fields, Optional.of(PolicyNotify.fromForm(form, errors)), errors);
  }
}
