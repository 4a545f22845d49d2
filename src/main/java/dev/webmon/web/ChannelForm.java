package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.store.ChannelWrites;
import dev.webmon.store.IncidentReads;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the channel form ({@code channel_form.peb}, as {@code form}) shows: the common inputs, the
 * settings of the channel's type (a secret only as "set"/"not set" with a field to replace it),
 * the errors by input and as a list, a banner, the answer of the last "Send test" and the
 * channel's recent deliveries.
 *
 * @param test the answer of a test just sent; {@code shown} false when there is none
 */
record ChannelForm(
    String title,
    boolean editing,
    String id,
    String version,
    String action,
    String type,
    List<String> types,
    List<String> severities,
    Map<String, String> values,
    List<Setting> settings,
    Map<String, String> errors,
    List<FieldError> errorList,
    String banner,
    Map<String, Object> test,
    List<ChannelView.Row> deliveries) {

  private static final List<String> INPUTS =
      List.of("id", "type", "name", "default", "minSeverity", "sendResolved", "routePolicies", "routeTags", "settings",
          "templates.subject", "templates.body", "templates");

  /**
   * One setting input. {@code isSet}: a stored secret exists (its value is never shown); {@code
   * clearable}: it is an optional secret that is set, so the form offers a "remove the stored
   * value" box (input {@code settings.<key>.clear}), ticked when {@code clear}.
   */
  record Setting(
      String key, String label, String hint, boolean secret, boolean required, String inputType, String value, boolean isSet,
      boolean clearable, boolean clear, String error) {}

  ChannelForm {
    types = List.copyOf(types);
    severities = List.copyOf(severities);
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    settings = List.copyOf(settings);
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    errorList = List.copyOf(errorList);
    test = Collections.unmodifiableMap(new LinkedHashMap<>(test));
    deliveries = List.copyOf(deliveries);
  }

  static ChannelForm adding(String type, Map<String, String> submitted, List<FieldError> errors, String banner) {
    Map<String, String> v = new LinkedHashMap<>(submitted);
    if (submitted.isEmpty()) {
      v.put("sendResolved", "on");
      v.put("minSeverity", ChannelRequest.DEFAULT_SEVERITY);
    }
    return new ChannelForm(
        "Add a channel", false, "", "", "/channels", type, ChannelFields.TYPES, IncidentReads.SEVERITIES, complete(v),
        settings(type, v, Map.of(), errors), byInput(errors), errors, banner, Map.of("shown", false), List.of());
  }

  static ChannelForm editing(ChannelWrites.Row stored, List<ChannelView.Row> deliveries) {
    return editing(stored, storedValues(stored), List.of(), "", Map.of("shown", false), deliveries);
  }

  static ChannelForm editing(
      ChannelWrites.Row stored, Map<String, String> submitted, List<FieldError> errors, String banner,
      Map<String, Object> test, List<ChannelView.Row> deliveries) {
    Map<String, String> v = new LinkedHashMap<>(submitted);
    v.put("id", stored.id());
    String type = v.getOrDefault("type", stored.type());
    Map<String, Boolean> set = new LinkedHashMap<>();
    if (type.equals(stored.type())) {
      stored.secrets().fieldNames().forEachRemaining(k -> set.put(k, true));
    }
    return new ChannelForm(
        "Edit channel " + stored.name(), true, stored.id(), Long.toString(stored.version()), "/channels/" + stored.id(), type,
        ChannelFields.TYPES, IncidentReads.SEVERITIES, complete(v), settings(type, v, set, errors), byInput(errors), errors,
        banner, test, deliveries);
  }

  /** The form values of a stored channel (never its secrets). */
  static Map<String, String> storedValues(ChannelWrites.Row r) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("id", r.id());
    v.put("type", r.type());
    v.put("name", r.name());
    if (r.isDefault()) {
      v.put("default", "on");
    }
    if (r.sendResolved()) {
      v.put("sendResolved", "on");
    }
    v.put("minSeverity", r.minSeverity());
    v.put("routePolicies", String.join(", ", r.routePolicies()));
    v.put("routeTags", String.join(", ", r.routeTags()));
    v.put("templates.subject", r.templates().path("subject").asText(""));
    v.put("templates.body", r.templates().path("body").asText(""));
    JsonNode s = r.settings();
    s.properties().forEach(e -> {
      String text;
      if (e.getValue().isArray()) {
        List<String> parts = new ArrayList<>();
        e.getValue().forEach(x -> parts.add(x.asText()));
        text = String.join(", ", parts);
      } else {
        text = e.getValue().asText();
      }
      v.put("settings." + e.getKey(), text);
    });
    return v;
  }

  private static List<Setting> settings(String type, Map<String, String> values, Map<String, Boolean> set, List<FieldError> errors) {
    Map<String, String> byField = new LinkedHashMap<>();
    for (FieldError e : errors) {
      byField.merge(e.field(), e.message(), (a, b) -> a + "; " + b);
    }
    List<Setting> out = new ArrayList<>();
    for (ChannelFields.Field f : ChannelFields.of(type)) {
      String input = f.secret() ? "password" : f.kind() == ChannelFields.Kind.NUMBER ? "number" : "text";
      boolean isSet = set.getOrDefault(f.key(), false);
      out.add(
          new Setting(
              f.key(), f.label(), f.hint(), f.secret(), f.required(), input,
              f.secret() ? "" : values.getOrDefault("settings." + f.key(), ""), isSet,
              f.secret() && !f.required() && isSet, values.containsKey(ChannelRequest.clearInput(f.key())),
              byField.getOrDefault("settings." + f.key(), "")));
    }
    return out;
  }

  private static Map<String, String> complete(Map<String, String> submitted) {
    Map<String, String> v = new LinkedHashMap<>();
    INPUTS.forEach(k -> v.put(k, submitted.getOrDefault(k, "")));
    return v;
  }

  private static Map<String, String> byInput(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    INPUTS.forEach(k -> out.put(k, ""));
    for (FieldError e : errors) {
      String field = e.field();
      String key = field.startsWith("templates.") ? field : field.replaceAll("[.\\[].*$", "");
      out.merge(key, e.message(), (a, b) -> a.isEmpty() ? b : a + "; " + b);
    }
    return out;
  }
}
