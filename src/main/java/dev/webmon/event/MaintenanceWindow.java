package dev.webmon.event;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A maintenance window: the value of the compacted topic {@code webmon.maintenance}, keyed by
 * {@link #id()} (a null value deletes it). Consumers keep the highest {@link #version()} per id.
 * While one of its occurrences is active for a target, checks go on, results carry {@code
 * maintenance}, and the alerter opens no incident for the target (docs/architecture.md,
 * "Maintenance windows").
 *
 * @param id stable id; the Kafka key (its string form)
 * @param version at least 1, incremented on every change
 * @param title 1–200 characters, no control characters
 * @param description 0–2000 characters (line breaks allowed)
 * @param scope the targets it applies to
 * @param schedule when it is active
 * @param updatedAt when this version was written
 */
public record MaintenanceWindow(
    UUID id,
    long version,
    String title,
    String description,
    MaintenanceScope scope,
    MaintenanceSchedule schedule,
    Instant updatedAt) {

  /** Validates every component. */
  public MaintenanceWindow {
    Validate.notNull(id, "id");
    Validate.atLeast(version, 1, "version");
    Validate.noNul(Validate.text(title, "title", 1, 200, false), "title");
    Validate.noNul(Validate.text(description, "description", 0, 2000, true), "description");
    Validate.notNull(scope, "scope");
    Validate.notNull(schedule, "schedule");
    Validate.instant(updatedAt, "updatedAt");
  }

  /** Whether this window mutes the target {@code targetId} with {@code tags} at {@code t}. */
  public boolean mutes(String targetId, List<String> tags, Instant t) {
    return scope.covers(targetId, tags) && schedule.activeAt(t);
  }
}
