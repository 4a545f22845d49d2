package dev.webmon.alerter;

import dev.webmon.event.MaintenanceSchedule.Phase;
import dev.webmon.event.MaintenanceWindow;
import java.time.Instant;
import java.util.List;

/**
 * One maintenance window with its phases cached: a {@link Phase} holds for every instant of
 * {@code [since, until)}, so the schedule is computed only when an instant falls outside the
 * phases kept. Two are kept (the current one and the one before), so instants on both sides of a
 * boundary, as different targets are judged around it, do not recompute it each time. One per
 * window and task, shared by the task's targets; not thread-safe.
 */
final class WindowPhases {
  private final MaintenanceWindow window;
  private Phase current;
  private Phase previous;

  WindowPhases(MaintenanceWindow window) {
    this.window = window;
  }

  /** Whether the window applies to the target (its scope names the id or one of the tags). */
  boolean covers(String targetId, List<String> tags) {
    return window.scope().covers(targetId, tags);
  }

  /** The phase of the window at {@code t}. */
  Phase at(Instant t) {
    if (current != null && current.holdsAt(t)) {
      return current;
    }
    if (previous != null && previous.holdsAt(t)) {
      return previous;
    }
    Phase p = window.schedule().phaseAt(t);
    previous = current;
    current = p;
    return p;
  }
}
