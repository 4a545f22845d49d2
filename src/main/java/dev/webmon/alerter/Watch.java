package dev.webmon.alerter;

import dev.webmon.event.PolicyFields;
import dev.webmon.event.TargetSpec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the alerter keeps of a target's spec: only what judging and the incident events need.
 *
 * @param version the spec version; an older version arriving later is ignored
 * @param name the display name, for the events
 * @param interval time between checks
 * @param timeout a check's timeout (silence = 3 × interval + timeout)
 * @param tags the target's tags, for policies by tag
 * @param policy the alert policy it names
 * @param overrides its own thresholds
 */
record Watch(
    long version,
    String name,
    Duration interval,
    Duration timeout,
    List<String> tags,
    Optional<String> policy,
    PolicyFields overrides) {

  Watch {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(timeout, "timeout");
    tags = List.copyOf(tags);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(overrides, "overrides");
  }

  static Watch of(TargetSpec t) {
    return new Watch(t.version(), t.name(), t.interval(), t.timeout(), t.tags(), t.alertPolicy(),
        t.alertOverrides());
  }

  Duration silenceAfter() {
    return LocationState.silenceAfter(interval, timeout);
  }
}
