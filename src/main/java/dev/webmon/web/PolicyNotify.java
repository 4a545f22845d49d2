package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.notifier.NotifySettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An alert policy's notification settings ({@code alert_policy.notify}) in the web: read from the
 * API's {@code notify} object or the policy form and checked by the notifier's own {@link
 * NotifySettings} (the rules its scheduler applies), its problems as field errors under {@code
 * notify.}; that the channels exist is checked against the store by {@link PolicyService}.
 */
final class PolicyNotify {
  private PolicyNotify() {}

  /** Reads the API's {@code notify} value, adding every problem under {@code notify.}. */
  static NotifySettings fromJson(JsonNode node, List<FieldError> errors) {
    try {
      return NotifySettings.fromJson(node);
    } catch (NotifySettings.Invalid e) {
      e.problems().forEach(p -> errors.add(new FieldError(p.field().isEmpty() ? "notify" : "notify." + p.field(), p.message())));
      return NotifySettings.NONE;
    }
  }

  /** Stored JSON (written from valid settings); anything unreadable counts as none. */
  static NotifySettings fromStored(String json) {
    try {
      return NotifySettings.fromJson(json);
    } catch (NotifySettings.Invalid e) {
      return NotifySettings.NONE;
    }
  }

  /**
   * Reads the form: {@code notify.remindEverySeconds} and {@code notify.escalation}, one step a
   * line as {@code <minutes>: <channel>, <channel>}.
   */
  static NotifySettings fromForm(Map<String, List<String>> form, List<FieldError> errors) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    String remind = first(form, "notify.remindEverySeconds").strip();
    if (!remind.isEmpty()) {
      Optional<Long> v = RouteParams.parseLong(remind);
      if (v.isPresent()) {
        n.put(NotifySettings.REMIND_EVERY, v.get());
      } else {
        n.put(NotifySettings.REMIND_EVERY, remind); // refused, naming the field
      }
    }
    ArrayNode steps = JsonNodeFactory.instance.arrayNode();
    for (String line : first(form, "notify.escalation").split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon < 0) {
        errors.add(new FieldError("notify.escalation[" + steps.size() + "]", "write each step as '<minutes>: <channel id>, <channel id>'"));
        return NotifySettings.NONE;
      }
      ObjectNode step = steps.addObject();
      String minutes = line.substring(0, colon).strip();
      Optional<Long> after = RouteParams.parseLong(minutes);
      if (after.isPresent()) {
        step.put(NotifySettings.AFTER_MINUTES, after.get());
      } else {
        step.put(NotifySettings.AFTER_MINUTES, minutes);
      }
      ArrayNode ids = step.putArray(NotifySettings.CHANNELS);
      for (String id : line.substring(colon + 1).split(",")) {
        if (!id.isBlank()) {
          ids.add(id.strip());
        }
      }
    }
    if (!steps.isEmpty()) {
      n.set(NotifySettings.ESCALATION, steps);
    }
    return fromJson(n, errors);
  }

  /** The form's values of these settings. */
  static Map<String, String> formValues(NotifySettings s) {
    StringBuilder b = new StringBuilder();
    for (NotifySettings.Step step : s.escalation()) {
      b.append(step.afterMinutes()).append(": ").append(String.join(", ", step.channels())).append('\n');
    }
    return Map.of(
        "notify.remindEverySeconds", s.remindEvery().map(d -> Long.toString(d.toSeconds())).orElse(""),
        "notify.escalation", b.toString().strip());
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.getOrDefault(name, List.of());
    return v.isEmpty() ? "" : v.get(0);
  }
}
