package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An alert policy's notification settings ({@code alert_policy.notify}, read by the notifier's
 * reminder and escalation scheduler): {@code {"remindEverySeconds": n, "escalation":
 * [{"afterMinutes": n, "channels": ["id", …]}]}}; {@code {}} means no reminders and no escalation.
 * Read from the API's {@code notify} object or the policy form, checked for shape and bounds here;
 * that the channels exist is checked against the store by {@link PolicyService}. Immutable.
 */
record PolicyNotify(int remindEverySeconds, List<Step> escalation) {
  static final PolicyNotify NONE = new PolicyNotify(0, List.of());
  static final int MIN_REMIND = 60;
  static final int MAX_REMIND = 7 * 24 * 3600;
  static final int MAX_AFTER_MINUTES = 7 * 24 * 60;
  static final int MAX_STEPS = 10;
  static final int MAX_CHANNELS = 20;

  /** One escalation step: this long after opening, while unacknowledged, notify these channels. */
  record Step(int afterMinutes, List<String> channels) {
    Step {
      channels = List.copyOf(channels);
    }
  }

  PolicyNotify {
    escalation = List.copyOf(escalation);
  }

  /** Every channel id the steps name, in order, once each. */
  List<String> channels() {
    Set<String> all = new LinkedHashSet<>();
    escalation.forEach(s -> all.addAll(s.channels()));
    return List.copyOf(all);
  }

  /** The stored JSON ({@code {}} when nothing is set). */
  ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    if (remindEverySeconds > 0) {
      n.put("remindEverySeconds", remindEverySeconds);
    }
    if (!escalation.isEmpty()) {
      ArrayNode steps = n.putArray("escalation");
      for (Step s : escalation) {
        ObjectNode o = steps.addObject();
        o.put("afterMinutes", s.afterMinutes());
        s.channels().forEach(o.putArray("channels")::add);
      }
    }
    return n;
  }

  /** Reads stored JSON (written by {@link #toJson}); anything unreadable is no settings. */
  static PolicyNotify fromStored(String json) {
    List<FieldError> errors = new ArrayList<>();
    PolicyNotify n = fromJson(Json.parseObject(json.getBytes(java.nio.charset.StandardCharsets.UTF_8), "notify"), errors);
    return errors.isEmpty() ? n : NONE;
  }

  /** Reads the API's {@code notify} value, adding shape and bound errors under {@code notify.}. */
  static PolicyNotify fromJson(JsonNode node, List<FieldError> errors) {
    if (node == null || node.isNull()) {
      return NONE;
    }
    if (!node.isObject()) {
      errors.add(new FieldError("notify", "must be an object {remindEverySeconds, escalation}"));
      return NONE;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("remindEverySeconds") && !f.equals("escalation")) {
        errors.add(new FieldError("notify." + f, "is not a known field; known fields: remindEverySeconds, escalation"));
      }
    }
    int remind = 0;
    JsonNode r = node.get("remindEverySeconds");
    if (r != null && !r.isNull()) {
      if (!r.isIntegralNumber() || !r.canConvertToInt()) {
        errors.add(new FieldError("notify.remindEverySeconds", remindRule()));
      } else {
        remind = r.asInt();
      }
    }
    List<Step> steps = new ArrayList<>();
    JsonNode e = node.get("escalation");
    if (e != null && !e.isNull()) {
      if (!e.isArray()) {
        errors.add(new FieldError("notify.escalation", "must be an array of {afterMinutes, channels}"));
      } else {
        for (int i = 0; i < e.size(); i++) {
          steps.add(step(e.get(i), "notify.escalation[" + i + "]", errors));
        }
      }
    }
    PolicyNotify n = new PolicyNotify(remind, steps);
    n.check(errors);
    return n;
  }

  private static Step step(JsonNode s, String field, List<FieldError> errors) {
    if (!s.isObject()) {
      errors.add(new FieldError(field, "must be an object {afterMinutes, channels}"));
      return new Step(0, List.of());
    }
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("afterMinutes") && !f.equals("channels")) {
        errors.add(new FieldError(field + "." + f, "is not a known field; known fields: afterMinutes, channels"));
      }
    }
    int after = -1;
    JsonNode a = s.get("afterMinutes");
    if (a == null || !a.isIntegralNumber() || !a.canConvertToInt()) {
      errors.add(new FieldError(field + ".afterMinutes", "is required: a whole number of minutes from 1 to " + MAX_AFTER_MINUTES));
    } else {
      after = a.asInt();
    }
    List<String> channels = new ArrayList<>();
    JsonNode c = s.get("channels");
    if (c == null || !c.isArray()) {
      errors.add(new FieldError(field + ".channels", "is required: an array of channel ids"));
    } else {
      for (int i = 0; i < c.size(); i++) {
        if (c.get(i).isTextual()) {
          channels.add(c.get(i).asText());
        } else {
          errors.add(new FieldError(field + ".channels[" + i + "]", "must be a channel id"));
        }
      }
    }
    return new Step(after, channels);
  }

  /**
   * Reads the form: {@code notify.remindEverySeconds} and {@code notify.escalation}, one step a
   * line as {@code <minutes>: <channel>, <channel>}.
   */
  static PolicyNotify fromForm(Map<String, List<String>> form, List<FieldError> errors) {
    int remind = 0;
    String r = first(form, "notify.remindEverySeconds");
    if (!r.isBlank()) {
      Optional<Long> v = RouteParams.parseLong(r);
      if (v.isEmpty() || v.get() < 0 || v.get() > MAX_REMIND) {
        errors.add(new FieldError("notify.remindEverySeconds", remindRule()));
      } else {
        remind = v.get().intValue();
      }
    }
    List<Step> steps = new ArrayList<>();
    String[] lines = first(form, "notify.escalation").split("\\R");
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      String field = "notify.escalation[" + steps.size() + "]";
      int colon = line.indexOf(':');
      Optional<Long> after = colon < 0 ? Optional.empty() : RouteParams.parseLong(line.substring(0, colon));
      if (after.isEmpty() || after.get() < 1 || after.get() > MAX_AFTER_MINUTES) {
        errors.add(new FieldError(field, "write each step as '<minutes>: <channel id>, <channel id>'"));
        steps.add(new Step(0, List.of()));
        continue;
      }
      List<String> channels = new ArrayList<>();
      for (String id : line.substring(colon + 1).split(",")) {
        if (!id.isBlank()) {
          channels.add(id.strip());
        }
      }
      steps.add(new Step(after.get().intValue(), channels));
    }
    PolicyNotify n = new PolicyNotify(remind, steps);
    n.check(errors);
    return n;
  }

  /** The form's values of these settings. */
  Map<String, String> formValues() {
    StringBuilder b = new StringBuilder();
    for (Step s : escalation) {
      b.append(s.afterMinutes()).append(": ").append(String.join(", ", s.channels())).append('\n');
    }
    return Map.of(
        "notify.remindEverySeconds", remindEverySeconds == 0 ? "" : Integer.toString(remindEverySeconds),
        "notify.escalation", b.toString().strip());
  }

  private void check(List<FieldError> errors) {
    if (remindEverySeconds != 0 && (remindEverySeconds < MIN_REMIND || remindEverySeconds > MAX_REMIND)) {
      errors.add(new FieldError("notify.remindEverySeconds", remindRule()));
    }
    if (escalation.size() > MAX_STEPS) {
      errors.add(new FieldError("notify.escalation", "must have at most " + MAX_STEPS + " steps"));
    }
    int previous = 0;
    for (int i = 0; i < escalation.size(); i++) {
      Step s = escalation.get(i);
      String field = "notify.escalation[" + i + "]";
      if (s.afterMinutes() == -1) {
        continue; // reported while reading
      }
      if (s.afterMinutes() < 1 || s.afterMinutes() > MAX_AFTER_MINUTES) {
        errors.add(new FieldError(field + ".afterMinutes", "must be a whole number of minutes from 1 to " + MAX_AFTER_MINUTES));
      } else if (s.afterMinutes() <= previous) {
        errors.add(new FieldError(field + ".afterMinutes", "must be later than the step before (" + previous + " min): steps ascend"));
      }
      previous = Math.max(previous, s.afterMinutes());
      if (s.channels().isEmpty() || s.channels().size() > MAX_CHANNELS) {
        errors.add(new FieldError(field + ".channels", "must name 1-" + MAX_CHANNELS + " channels"));
      }
      for (int j = 0; j < s.channels().size(); j++) {
        if (!s.channels().get(j).matches("[a-z0-9-]{1,64}")) {
          errors.add(new FieldError(field + ".channels[" + j + "]", "must be a channel id: 1-64 characters of a-z, 0-9 and -"));
        }
      }
    }
  }

  private static String remindRule() {
    return "must be 0 (no reminders) or a whole number of seconds from " + MIN_REMIND + " to " + MAX_REMIND;
  }

  private static String first(Map<String, List<String>> form, String name) {
    List<String> v = form.getOrDefault(name, List.of());
    return v.isEmpty() ? "" : v.get(0);
  }
}
