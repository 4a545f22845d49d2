package dev.webmon.notifier;

import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Reminders and escalation steps hold while a maintenance window covers the incident's target
 * (docs/notifications.md, "Maintenance windows"): a row that falls due then is moved to the end of
 * the maintenance, where {@link EscalationPlan#due} catches up as after an outage of the notifier
 * (one reminder, every escalation step that fell due, in order), if the incident is still open and
 * unacknowledged. Transitions themselves (UPDATED, ACKNOWLEDGED, RESOLVED of an incident opened
 * before the window) are delivered as usual; the alerter opens none during a window. Stateless.
 */
final class MaintenanceHold {
  /** Most back-to-back windows followed to find the end (touching or overlapping windows chain). */
  static final int MAX_CHAIN = 100;

  private MaintenanceHold() {}

  /**
   * The first instant at or after {@code now} that no window covering the target is active, if a
   * window covers it at {@code now}; empty when nothing holds.
   */
  static Optional<Instant> until(List<MaintenanceWindow> windows, String targetId, List<String> tags, Instant now) {
    List<MaintenanceWindow> covering = windows.stream().filter(w -> w.scope().covers(targetId, tags)).toList();
    Instant t = now;
    for (int i = 0; i < MAX_CHAIN; i++) {
      Instant end = t;
      for (MaintenanceWindow w : covering) {
        MaintenanceSchedule.Phase p = w.schedule().phaseAt(t);
        if (p.active() && p.until().isAfter(end)) {
          end = p.until();
        }
      }
      if (end.equals(t)) {
        break;
      }
      t = end;
    }
    return t.equals(now) ? Optional.empty() : Optional.of(t);
  }

  /** {@code state} with nothing due before {@code until}. */
  static EscalationPlan.State deferTo(EscalationPlan.State state, Instant until) {
    return new EscalationPlan.State(state.openedAt(), state.acknowledged(), state.resolved(), state.remindersSent(),
        state.nextReminderAt().map(at -> later(at, until)), state.nextStep(),
        state.nextStepAt().map(at -> later(at, until)));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
