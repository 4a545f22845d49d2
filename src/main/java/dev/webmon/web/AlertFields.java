package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.event.InvalidEventException;
import dev.webmon.event.PolicyFields;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The alert threshold fields as the API, the YAML import and the forms spell them: the body of a
 * named policy and a target's {@code alertOverrides}. Durations are whole seconds ({@code
 * windowSeconds}, {@code flapWindowSeconds}), as a target's {@code intervalSeconds}; an absent
 * field inherits. Ranges are those of {@link PolicyFields} (one place), checked field by field so
 * that every error is reported. Stateless.
 */
final class AlertFields {
  /** The field names, in documentation order. */
  static final List<String> NAMES =
      List.of(
          "failureThreshold", "failuresInWindow", "windowSeconds", "recoveryThreshold", "degradedAboveMs", "quorum",
          "tlsExpiryWarningDays", "flapChanges", "flapWindowSeconds");

  /** A field's label and hint in the forms, by name. */
  record Input(String name, String label, String hint) {}

  static final List<Input> INPUTS =
      List.of(
          new Input("failureThreshold", "Failures in a row", "consecutive failed checks that make a location down, 1-100"),
          new Input("failuresInWindow", "Failures in window", "failures within the window that make a location down; 0 = off"),
          new Input("windowSeconds", "Window (seconds)", "span of the failures-in-window rule, 1-86400; 0 = off"),
          new Input("recoveryThreshold", "Passes to recover", "consecutive passed checks that bring a location back up, 1-100"),
          new Input("degradedAboveMs", "Degraded above (ms)", "response time above which a check is slow; 0 = off"),
          new Input("quorum", "Quorum", "locations that must agree; 0 = a majority of those reporting"),
          new Input("tlsExpiryWarningDays", "Certificate warning (days)", "warn when the certificate expires within this many days, 0-365"),
          new Input("flapChanges", "Flapping: changes", "more state changes than this within the flap window is flapping, 1-1000"),
          new Input("flapWindowSeconds", "Flapping: window (seconds)", "span of the flapping rule, 60-86400"));

  private AlertFields() {}

  /** The API's name of a {@link PolicyFields} component. */
  static String apiField(String eventField) {
    return switch (eventField) {
      case "window" -> "windowSeconds";
      case "flapWindow" -> "flapWindowSeconds";
      default -> eventField;
    };
  }

  /** An error of {@link PolicyFields} as a field error of the API, under {@code prefix}. */
  static FieldError error(InvalidEventException e, String prefix) {
    String field = e.field();
    String message = e.getMessage();
    if (message.startsWith(field + ": ")) {
      message = message.substring(field.length() + 2);
    }
    return new FieldError(prefix + apiField(field), message);
  }

  /**
   * Reads the fields present in a JSON object (other keys are the caller's to check), recording
   * type and range errors under {@code prefix}.
   */
  static PolicyFields fromJson(JsonNode node, String prefix, List<FieldError> errors) {
    Long[] values = new Long[NAMES.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = node.get(NAMES.get(i));
      if (v == null || v.isNull()) {
        continue;
      }
      if (!v.isIntegralNumber() || !v.canConvertToLong()) {
        errors.add(new FieldError(prefix + NAMES.get(i), "must be a whole number"));
        continue;
      }
      values[i] = v.asLong();
    }
    return build(values, prefix, errors);
  }

  /** Reads the form inputs {@code inputPrefix + name}; empty inputs inherit. */
  static PolicyFields fromForm(Map<String, List<String>> form, String inputPrefix, String prefix, List<FieldError> errors) {
    Long[] values = new Long[NAMES.size()];
    for (int i = 0; i < values.length; i++) {
      List<String> list = form.get(inputPrefix + NAMES.get(i));
      if (list == null || list.isEmpty() || list.get(0).isBlank()) {
        continue;
      }
      try {
        values[i] = Long.parseLong(list.get(0).strip());
      } catch (NumberFormatException e) {
        errors.add(new FieldError(prefix + NAMES.get(i), "must be a whole number"));
      }
    }
    return build(values, prefix, errors);
  }

  /** Checks each value alone (so every error is named), then builds the set of the valid ones. */
  private static PolicyFields build(Long[] values, String prefix, List<FieldError> errors) {
    Long[] valid = new Long[values.length];
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        continue;
      }
      Long[] one = new Long[values.length];
      one[i] = values[i];
      try {
        of(one);
        valid[i] = values[i];
      } catch (InvalidEventException e) {
        FieldError f = error(e, prefix);
        // A value beyond int was clamped to reach the range check: name the value as sent.
        String clamped = ", was " + integer(values[i]).orElseThrow();
        errors.add(
            f.message().endsWith(clamped) && values[i] != (int) (long) values[i]
                ? new FieldError(f.field(), f.message().replace(clamped, ", was " + values[i]))
                : f);
      }
    }
    return of(valid);
  }

  private static PolicyFields of(Long[] v) {
    return new PolicyFields(
        integer(v[0]), integer(v[1]), seconds(v[2]), integer(v[3]), Optional.ofNullable(v[4]), integer(v[5]), integer(v[6]),
        integer(v[7]), seconds(v[8]));
  }

  private static Optional<Integer> integer(Long v) {
    // Out-of-range longs become the nearest int, which PolicyFields then refuses with its range.
    return Optional.ofNullable(v).map(x -> (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, x)));
  }

  private static Optional<Duration> seconds(Long v) {
    return Optional.ofNullable(v).map(Duration::ofSeconds);
  }

  /** The present fields by API name, in documentation order (API views and the YAML export). */
  static Map<String, Object> view(PolicyFields f) {
    Map<String, Object> m = new LinkedHashMap<>();
    f.failureThreshold().ifPresent(v -> m.put("failureThreshold", v));
    f.failuresInWindow().ifPresent(v -> m.put("failuresInWindow", v));
    f.window().ifPresent(v -> m.put("windowSeconds", v.toSeconds()));
    f.recoveryThreshold().ifPresent(v -> m.put("recoveryThreshold", v));
    f.degradedAboveMs().ifPresent(v -> m.put("degradedAboveMs", v));
    f.quorum().ifPresent(v -> m.put("quorum", v));
    f.tlsExpiryWarningDays().ifPresent(v -> m.put("tlsExpiryWarningDays", v));
    f.flapChanges().ifPresent(v -> m.put("flapChanges", v));
    f.flapWindow().ifPresent(v -> m.put("flapWindowSeconds", v.toSeconds()));
    return m;
  }

  /** Every field's form input value ("" when it inherits), keyed {@code inputPrefix + name}. */
  static Map<String, String> formValues(PolicyFields f, String inputPrefix) {
    Map<String, Object> present = view(f);
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : NAMES) {
      Object v = present.get(name);
      out.put(inputPrefix + name, v == null ? "" : v.toString());
    }
    return out;
  }
}
