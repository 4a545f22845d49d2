package dev.webmon.web;

import dev.webmon.event.TargetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the add/edit form ({@code target_form.peb}, as {@code form}) shows: the input values, the
 * errors by input and as a list, and a banner for a failure that is not about one input.
 *
 * @param id the edited target's id, or "" when adding
 * @param version the version the edit started from (sent back as If-Match), or "" when adding
 * @param values the text of every input, by input name
 * @param errors the error of every input, "" for none, by input name
 * @param policies the names of the alert policies the policy select offers
 * @param alertInputs the override inputs ({@code alertOverrides.<field>}), in order
 */
record TargetForm(
    String title,
    boolean editing,
    String id,
    String version,
    String action,
    Map<String, String> values,
    Map<String, String> errors,
    List<FieldError> errorList,
    String banner,
    List<Preset> presets,
    List<String> methods,
    List<String> policies,
    List<AlertFields.Input> alertInputs) {

  /** The form's inputs. */
  static final List<String> INPUTS =
      List.of(
          "name", "url", "intervalPreset", "intervalSeconds", "regex", "mustNotMatch", "expectedStatus", "method", "headers",
          "body", "timeoutSeconds", "maxRedirects", "tags", "alertPolicy");

  /** The prefix of the alert override inputs, as of their fields in errors. */
  static final String OVERRIDES = "alertOverrides.";

  private static final List<String> ALL_INPUTS = allInputs();

  private static List<String> allInputs() {
    List<String> all = new java.util.ArrayList<>(INPUTS);
    AlertFields.NAMES.forEach(n -> all.add(OVERRIDES + n));
    return List.copyOf(all);
  }

  static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

  /** An interval preset of the select inputs (form and list filter). */
  record Preset(String seconds, String label) {}

  static final List<Preset> PRESETS =
      TargetValidator.PRESETS.stream().map(s -> new Preset(Long.toString(s), "every " + Format.interval(s))).toList();

  TargetForm {
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    errors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    errorList = List.copyOf(errorList);
    policies = List.copyOf(policies);
  }

  /** This form offering these alert policies in its select. */
  TargetForm withPolicies(List<String> names) {
    return new TargetForm(
        title, editing, id, version, action, values, errors, errorList, banner, presets, methods, names, alertInputs);
  }

  /** The form of a new target with the defaults filled in. */
  static TargetForm blank() {
    Map<String, String> values = new LinkedHashMap<>();
    values.put("intervalPreset", "60");
    values.put("expectedStatus", "200-399");
    values.put("method", "GET");
    values.put("timeoutSeconds", "10");
    values.put("maxRedirects", Integer.toString(TargetSpec.DEFAULT_MAX_REDIRECTS));
    return adding(values, List.of(), "");
  }

  /** The form of a new target as submitted, with what was wrong with it. */
  static TargetForm adding(Map<String, String> submitted, List<FieldError> errors, String banner) {
    return new TargetForm("Add a target", false, "", "", "/targets", inputs(submitted), byInput(errors), errors, banner, PRESETS, METHODS,
        List.of(), AlertFields.INPUTS);
  }

  /** The form of a stored target. */
  static TargetForm editing(TargetSpec stored) {
    return editing(stored, valuesOf(stored), List.of(), "");
  }

  /** The form of a stored target as submitted, with what was wrong with it. */
  static TargetForm editing(TargetSpec stored, Map<String, String> submitted, List<FieldError> errors, String banner) {
    return new TargetForm(
        "Edit " + stored.name(), true, stored.id(), Long.toString(stored.version()), "/targets/" + stored.id(), inputs(submitted),
        byInput(errors), errors, banner, PRESETS, METHODS, List.of(), AlertFields.INPUTS);
  }

  /** Every input's value ("" if not given); an unknown interval preset becomes 60 or custom. */
  private static Map<String, String> inputs(Map<String, String> submitted) {
    Map<String, String> v = new LinkedHashMap<>();
    for (String key : ALL_INPUTS) {
      v.put(key, submitted.getOrDefault(key, ""));
    }
    String preset = v.get("intervalPreset");
    if (preset.isEmpty() || (!preset.equals("custom") && PRESETS.stream().noneMatch(p -> p.seconds().equals(preset)))) {
      v.put("intervalPreset", v.get("intervalSeconds").isEmpty() ? "60" : "custom");
    }
    return v;
  }

  private static Map<String, String> byInput(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    ALL_INPUTS.forEach(k -> out.put(k, ""));
    out.putAll(errorsByField(errors));
    return out;
  }

  /** Errors by form input: "headers.X-Api-Key" and "tags[2]" belong to the headers and tags inputs. */
  static Map<String, String> errorsByField(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    for (FieldError e : errors) {
      String field = e.field();
      if (field.startsWith(OVERRIDES)) {
        out.merge(field, e.message(), (a, b) -> a + "; " + b); // each override has its own input
        continue;
      }
      int cut = field.length();
      for (char c : new char[] {'.', '['}) {
        int i = field.indexOf(c);
        if (i > 0) {
          cut = Math.min(cut, i);
        }
      }
      String input = field.substring(0, cut);
      String detail = cut < field.length() ? field.substring(cut).replaceFirst("^\\.", "") + ": " : "";
      out.merge(input, detail + e.message(), (a, b) -> a + "; " + b);
    }
    return out;
  }

  /** The inputs of a stored target; sensitive header values and the body masked. */
  static Map<String, String> valuesOf(TargetSpec s) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", s.name());
    v.put("url", s.url().toString());
    long seconds = s.interval().toSeconds();
    boolean preset = TargetValidator.PRESETS.contains(seconds);
    v.put("intervalPreset", preset ? Long.toString(seconds) : "custom");
    v.put("intervalSeconds", Long.toString(seconds));
    v.put("regex", s.mustMatch().orElse(""));
    v.put("mustNotMatch", s.mustNotMatch().orElse(""));
    v.put("expectedStatus", s.expectedStatus().format());
    v.put("method", s.method());
    v.put(
        "headers",
        TargetValidator.masked(s.headers()).entrySet().stream()
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining("\n")));
    v.put("body", TargetValidator.maskedBody(s.body()).orElse(""));
    double timeout = s.timeout().toMillis() / 1000.0;
    v.put("timeoutSeconds", timeout == Math.rint(timeout) ? Long.toString((long) timeout) : Double.toString(timeout));
    v.put("maxRedirects", Integer.toString(s.maxRedirects()));
    v.put("tags", String.join(", ", s.tags()));
    v.put("alertPolicy", s.alertPolicy().orElse(""));
    v.putAll(AlertFields.formValues(s.alertOverrides(), OVERRIDES));
    return v;
  }
}
