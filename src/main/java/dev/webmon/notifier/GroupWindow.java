package dev.webmon.notifier;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * The grouping rule of {@code notify.group-wait}, decided on instants of the notifier's injected
 * clock (never PostgreSQL's {@code now()}): an OPENED row queued at {@code q} is due at {@code q +
 * wait}, other kinds at once; when a channel's OPENED head queued at {@code h} goes out, the
 * channel's pending, ungrouped OPENED rows queued <em>before</em> {@code h + wait} go with it. The
 * window is {@code [h, h + wait)}: its end is exclusive, so a row queued exactly {@code wait} after
 * the head waits for a message of its own. A zero wait turns grouping off. Only OPENED rows are
 * grouped (a RESOLVED, an acknowledgement or a reminder always goes alone), and never on PagerDuty
 * or Opsgenie, which keep one alert per incident. {@link dev.webmon.store.Notifications#claimGroup}
 * applies {@link #closesAt} in SQL. Immutable.
 *
 * @param groupWait {@code notify.group-wait}; zero = off
 */
record GroupWindow(Duration groupWait) {
  GroupWindow {
    Objects.requireNonNull(groupWait, "groupWait");
    if (groupWait.isNegative()) {
      throw new IllegalArgumentException("a group wait is not negative: " + groupWait);
    }
  }

  /**
   * The clock's instant at PostgreSQL's precision (microseconds, truncated): the instant a row is
   * queued or claimed at is then exactly the one stored and compared in SQL, never rounded up to
   * the next microsecond by the driver.
   */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** When a row of {@code kind} queued at {@code queuedAt} is due: OPENED waits out the window. */
  Instant dueAt(String kind, Instant queuedAt) {
    return kind.equals("OPENED") ? queuedAt.plus(groupWait) : queuedAt;
  }

  /** Whether a head of {@code kind} on a channel of {@code type} takes others with it. */
  boolean groups(String kind, ChannelType type) {
    // PagerDuty and Opsgenie keep one alert per incident (dedup_key/alias = incident id): a
    // grouped message would open only the first. They group alerts themselves.
    return kind.equals("OPENED") && !groupWait.isZero() && type != ChannelType.PAGERDUTY && type != ChannelType.OPSGENIE;
  }

  /** The window's end for a head queued at {@code headQueuedAt}, exclusive. */
  Instant closesAt(Instant headQueuedAt) {
    return headQueuedAt.plus(groupWait);
  }

  /**
   * Whether a pending, ungrouped row of {@code kind} queued at {@code queuedAt} goes out with an
   * OPENED head queued at {@code headQueuedAt} on a channel of {@code type}: the SQL of {@link
   * dev.webmon.store.Notifications#claimGroup} in Java, which the tests compare it with.
   */
  boolean joins(Instant headQueuedAt, ChannelType type, String kind, Instant queuedAt) {
    return groups("OPENED", type) && kind.equals("OPENED") && queuedAt.isBefore(closesAt(headQueuedAt));
  }
}
