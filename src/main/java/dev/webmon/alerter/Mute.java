package dev.webmon.alerter;

import dev.webmon.event.MaintenanceSchedule.Phase;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether maintenance mutes one target at an instant: the windows whose scope covers it, any of
 * them active mutes it. {@link #NONE} for a target no window covers (and every target when no
 * window is defined), so the common case costs one comparison. Not thread-safe (the phases are
 * cached per task).
 */
final class Mute {
  /** Never muted. */
  static final Mute NONE = new Mute(List.of());

  private final WindowPhases[] windows;

  private Mute(List<WindowPhases> windows) {
    this.windows = windows.toArray(new WindowPhases[0]);
  }

  /** The mute of a target covered by {@code windows}; {@link #NONE} when there are none. */
  static Mute of(List<WindowPhases> windows) {
    return windows.isEmpty() ? NONE : new Mute(windows);
  }

  /** Whether a window is active at {@code t} (its start inclusive, its end exclusive). */
  boolean at(Instant t) {
    for (WindowPhases w : windows) {
      if (w.at(t).active()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The earliest end of the windows active at {@code t}: the first instant at which the mute may
   * lift (another window may still, or then, be active); empty when none is active at {@code t}.
   */
  Optional<Instant> liftsAfter(Instant t) {
    Instant first = null;
    for (WindowPhases w : windows) {
      Phase p = w.at(t);
      if (p.active() && (first == null || p.until().isBefore(first))) {
        first = p.until();
      }
    }
    return Optional.ofNullable(first);
  }
}
