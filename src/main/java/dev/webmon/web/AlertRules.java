package dev.webmon.web;

import dev.webmon.event.AlertPolicySpec;
import dev.webmon.event.InvalidEventException;
import dev.webmon.event.PolicyFields;
import dev.webmon.event.TargetSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The checks of a policy or a target against the stored policies, as the alerter merges them
 * (docs/architecture.md): default ⊕ (the named policy, else the first policy by name sharing a
 * tag) ⊕ the target's overrides must be complete ({@link PolicyFields#checkComplete()}), and a
 * named policy must exist. The web refuses what the alerter would have to replace by {@code
 * default}. Stateless.
 */
final class AlertRules {
  private AlertRules() {}

  /** The policy the alerter applies over {@code default} to a target, if any. */
  static Optional<AlertPolicySpec> policyOf(TargetSpec target, List<AlertPolicySpec> stored) {
    if (target.alertPolicy().isPresent()) {
      return stored.stream().filter(p -> p.name().equals(target.alertPolicy().get())).findFirst();
    }
    return stored.stream()
        .filter(p -> !p.name().equals(AlertPolicySpec.DEFAULT))
        .filter(p -> p.tags().stream().anyMatch(target.tags()::contains))
        .sorted(java.util.Comparator.comparing(AlertPolicySpec::name))
        .findFirst();
  }

  /** What is wrong with a target's alerting (fields under {@code prefix}); empty when nothing. */
  static List<FieldError> targetErrors(TargetSpec target, List<AlertPolicySpec> stored, String prefix) {
    if (target.alertPolicy().isPresent() && policyOf(target, stored).isEmpty()) {
      String known = stored.stream().map(AlertPolicySpec::name).collect(Collectors.joining(", "));
      return List.of(
          new FieldError(
              prefix + "alertPolicy", "there is no alert policy named '" + target.alertPolicy().get() + "'; known: " + known));
    }
    PolicyFields base = defaults(stored);
    PolicyFields policy = policyOf(target, stored).map(p -> p.fields().over(base)).orElse(base);
    try {
      target.alertOverrides().over(policy).checkComplete();
      return List.of();
    } catch (InvalidEventException e) {
      String via = policyOf(target, stored).map(p -> " (over policy '" + p.name() + "')").orElse("");
      FieldError f = AlertFields.error(e, prefix + "alertOverrides.");
      return List.of(new FieldError(f.field(), f.message() + via));
    }
  }

  /** What is wrong with storing {@code next} given the stored policies; empty when nothing. */
  static List<FieldError> policyErrors(AlertPolicySpec next, List<AlertPolicySpec> stored) {
    List<FieldError> errors = new ArrayList<>();
    if (!next.name().equals(AlertPolicySpec.DEFAULT)) {
      try {
        next.fields().over(defaults(stored)).checkComplete();
      } catch (InvalidEventException e) {
        FieldError f = AlertFields.error(e, "");
        errors.add(new FieldError(f.field(), f.message() + " (over policy 'default')"));
      }
      return errors;
    }
    if (!next.tags().isEmpty()) {
      errors.add(new FieldError("tags", "must be empty: policy 'default' applies to every target"));
    }
    try {
      next.fields().checkComplete();
    } catch (InvalidEventException e) {
      errors.add(AlertFields.error(e, ""));
      return errors;
    }
    for (AlertPolicySpec other : stored) {
      if (other.name().equals(AlertPolicySpec.DEFAULT)) {
        continue;
      }
      try {
        other.fields().over(next.fields()).checkComplete();
      } catch (InvalidEventException e) {
        FieldError f = AlertFields.error(e, "");
        errors.add(new FieldError(f.field(), "policy '" + other.name() + "' over this would be invalid: " + f.message()));
      }
    }
    return errors;
  }

  private static PolicyFields defaults(List<AlertPolicySpec> stored) {
    return stored.stream()
        .filter(p -> p.name().equals(AlertPolicySpec.DEFAULT))
        .map(AlertPolicySpec::fields)
        .findFirst()
        .orElse(PolicyFields.NONE);
  }
}
