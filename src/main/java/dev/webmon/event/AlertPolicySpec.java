package dev.webmon.event;

import java.time.Instant;
import java.util.List;

/**
 * A named alert policy: the value of the compacted topic {@code webmon.alert-policies}, keyed by
 * {@link #name()} (a null value deletes it). Consumers keep the highest {@link #version()} per
 * name. The policy {@value #DEFAULT} applies to every target; others apply to the targets that
 * name them or, failing that, share one of their {@link #tags()}.
 *
 * @param name 1–64 characters of {@code [a-z0-9_-]}; the Kafka key
 * @param version at least 1, incremented on every change
 * @param tags targets carrying one of these tags get this policy, unless they name one; at most
 *     20, each as {@link TargetSpec#tags()}
 * @param fields the thresholds this policy sets; the others come from {@value #DEFAULT}
 * @param updatedAt when this version was written
 */
public record AlertPolicySpec(
    String name, long version, List<String> tags, PolicyFields fields, Instant updatedAt) {

  /** The name of the policy every target has. */
  public static final String DEFAULT = "default";

  /** Validates every component. */
  public AlertPolicySpec {
    name = name(name, "name");
    Validate.atLeast(version, 1, "version");
    tags = TargetSpec.tags(tags);
    Validate.notNull(fields, "fields");
    Validate.instant(updatedAt, "updatedAt");
  }

  /** Checks a policy name: 1–64 characters of {@code [a-z0-9_-]}. */
  public static String name(String value, String field) {
    Validate.identifier(value, field, 64, "");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        throw new InvalidEventException(field, "must be lower case, found '" + c + "'");
      }
    }
    return value;
  }
}
