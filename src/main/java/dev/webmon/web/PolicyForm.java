package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.notifier.NotifySettings;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the alert policy form ({@code policy_form.peb}, as {@code form}) shows: the input values,
 * the errors by input and as a list, and a banner for a failure that is not about one input.
 *
 * @param name the edited policy's name, or "" when adding
 * @param version the version the edit started from (sent back as If-Match), or "" when adding
 */
record PolicyForm(
    String title,
    boolean editing,
    String name,
    String version,
    String action,
    Map<String, String> values,
    Map<String, String> errors,
    List<FieldError> errorList,
    String banner,
    List<AlertFields.Input> alertInputs) {

  private static final List<String> INPUTS = inputs();

  private static List<String> inputs() {
    List<String> all = new java.util.ArrayList<>(List.of("name", "tags"));
    all.addAll(AlertFields.NAMES);
    all.addAll(List.of("notify.remindEverySeconds", "notify.escalation"));
    return List.copyOf(all);
  }

  PolicyForm {
    values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
    errorList = List.copyOf(errorList);
  }

  static PolicyForm adding(Map<String, String> submitted, List<FieldError> errors, String banner) {
    return new PolicyForm(
        "Add an alert policy", false, "", "", "/alert-policies", complete(submitted), byInput(errors), errors, banner,
        AlertFields.INPUTS);
  }

  static PolicyForm editing(AlertPolicySpec stored, NotifySettings notify) {
    Map<String, String> v = new LinkedHashMap<>();
    v.put("name", stored.name());
    v.put("tags", String.join(", ", stored.tags()));
    v.putAll(AlertFields.formValues(stored.fields(), ""));
    v.putAll(PolicyNotify.formValues(notify));
    return editing(stored, v, List.of(), "");
  }

  static PolicyForm editing(AlertPolicySpec stored, Map<String, String> submitted, List<FieldError> errors, String banner) {
    Map<String, String> v = new LinkedHashMap<>(submitted);
    v.put("name", stored.name());
    return new PolicyForm(
        "Edit alert policy " + stored.name(), true, stored.name(), Long.toString(stored.version()),
        "/alert-policies/" + stored.name(), complete(v), byInput(errors), errors, banner, AlertFields.INPUTS);
  }

  private static Map<String, String> complete(Map<String, String> submitted) {
    Map<String, String> v = new LinkedHashMap<>();
    INPUTS.forEach(k -> v.put(k, submitted.getOrDefault(k, "")));
    return v;
  }

  private static Map<String, String> byInput(List<FieldError> errors) {
    Map<String, String> out = new LinkedHashMap<>();
    INPUTS.forEach(k -> out.put(k, ""));
    out.put("notify", ""); // the notify.* inputs' errors, as TargetForm.errorsByField groups them
    out.putAll(TargetForm.errorsByField(errors));
    return out;
  }
}
