package dev.webmon.web;

import dev.webmon.store.DailyUptime;
import java.util.Optional;

/**
 * Sums the tallies of a component's targets into its uptime over 24 h, 7 d, 30 d and 90 d, with
 * and without the checks flagged maintenance (excluding them: (up − maintenance up) / (checks −
 * maintenance checks)). Not thread-safe: one per component while a model is built.
 */
final class ComponentUptime {
  private static final int DAY = 0;
  private static final int WEEK = 1;
  private static final int MONTH = 2;
  private static final int QUARTER = 3;

  private final long[] checks = new long[4];
  private final long[] up = new long[4];
  private final long[] maintenanceChecks = new long[4];
  private final long[] maintenanceUp = new long[4];

  /** Adds a UTC day {@code daysAgo} days before today (0 = today) to the 7, 30 and 90 day windows it falls in. */
  void addDay(int daysAgo, DailyUptime.Tally t) {
    if (daysAgo < 7) {
      add(WEEK, t);
    }
    if (daysAgo < 30) {
      add(MONTH, t);
    }
    add(QUARTER, t);
  }

  /** Adds a target's last 24 hours. */
  void addLast24Hours(DailyUptime.Tally t) {
    add(DAY, t);
  }

  private void add(int w, DailyUptime.Tally t) {
    checks[w] += t.checks();
    up[w] += t.upChecks();
    maintenanceChecks[w] += t.maintenanceChecks();
    maintenanceUp[w] += t.maintenanceUpChecks();
  }

  /** Uptime over every check. */
  StatusModel.Uptime uptime() {
    return new StatusModel.Uptime(
        percent(up[DAY], checks[DAY]), percent(up[WEEK], checks[WEEK]), percent(up[MONTH], checks[MONTH]),
        percent(up[QUARTER], checks[QUARTER]));
  }

  /** Uptime over the checks not flagged maintenance. */
  StatusModel.Uptime excludingMaintenance() {
    return new StatusModel.Uptime(excluding(DAY), excluding(WEEK), excluding(MONTH), excluding(QUARTER));
  }

  private Optional<Double> excluding(int w) {
    return percent(up[w] - maintenanceUp[w], checks[w] - maintenanceChecks[w]);
  }

  /** Rounded down to three decimals, so 99.9996 % never shows as 100 %. */
  static Optional<Double> percent(long up, long checks) {
    return checks == 0 ? Optional.empty() : Optional.of(Math.floor(up * 100_000.0 / checks) / 1000.0);
  }
}
