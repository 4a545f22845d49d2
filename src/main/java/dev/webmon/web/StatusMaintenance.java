package dev.webmon.web;

import dev.webmon.event.MaintenanceSchedule;
import dev.webmon.event.MaintenanceWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The maintenance windows as a status page shows them: which of its targets are under maintenance
 * now, the occurrences of the next {@link #AHEAD} (and the one in progress) of the windows covering
 * any of its targets — title, description, start and end, never a target — and until when all
 * this holds ({@link #validUntil}: the next start or end of such an occurrence, or the next
 * occurrence to come within the {@link #AHEAD}), so a cached page is recomputed the moment a window
 * starts or ends. Immutable.
 *
 * @param underMaintenance the page's targets an active window covers
 * @param upcoming by start, at most {@link #MAX_SHOWN}
 */
record StatusMaintenance(Set<String> underMaintenance, List<Shown> upcoming, Instant validUntil) {
  static final Duration AHEAD = Duration.ofDays(7);
  static final int MAX_SHOWN = 50;

  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

  StatusMaintenance {
    underMaintenance = Set.copyOf(underMaintenance);
    upcoming = List.copyOf(upcoming);
  }

  /**
   * One occurrence on the page.
   *
   * @param zone the window's time zone id; "" for a one-off window (its times are UTC instants)
   */
  record Shown(String title, String description, Instant start, Instant end, String zone, boolean active) {
    public String startText() {
      return StatusFormats.shown(start);
    }

    public String endText() {
      return StatusFormats.shown(end);
    }

    /** Start and end in the window's zone, e.g. "2026-12-06 02:00 – 04:00 Europe/Berlin"; "" for UTC or a one-off window. */
    public String localText() {
      if (zone.isEmpty() || ZoneId.of(zone).normalized().equals(ZoneOffset.UTC)) {
        return "";
      }
      ZoneId z = ZoneId.of(zone);
      return LOCAL.format(start.atZone(z)) + " – " + LOCAL.format(end.atZone(z)) + " " + zone;
    }
  }

  /**
   * @param targets the page's stored targets, each with its tags
   */
  static StatusMaintenance of(List<MaintenanceWindow> windows, Map<String, List<String>> targets, Instant now) {
    Set<String> under = new HashSet<>();
    List<Shown> shown = new ArrayList<>();
    Instant until = Instant.MAX;
    Instant horizon = now.plus(AHEAD);
    for (MaintenanceWindow w : windows) {
      List<String> covered = targets.entrySet().stream().filter(e -> w.scope().covers(e.getKey(), e.getValue())).map(Map.Entry::getKey).toList();
      if (covered.isEmpty()) {
        continue;
      }
      MaintenanceSchedule.Phase phase = w.schedule().phaseAt(now);
      if (phase.active()) {
        under.addAll(covered);
      }
      until = min(until, phase.until());
      Optional<MaintenanceSchedule.Occurrence> entering = w.schedule().firstStartAfter(horizon);
      if (entering.isPresent()) {
        // listed from the first instant its start is inside [now, now + AHEAD)
        until = min(until, entering.get().start().minus(AHEAD).plusNanos(1));
      }
      String zone = zone(w.schedule());
      for (MaintenanceSchedule.Occurrence o : w.schedule().between(now, horizon, MAX_SHOWN)) {
        shown.add(new Shown(w.title(), w.description(), o.start(), o.end(), zone, o.covers(now)));
        until = min(until, o.covers(now) ? o.end() : o.start());
      }
    }
    shown.sort(Comparator.comparing(Shown::start).thenComparing(Shown::title));
    return new StatusMaintenance(under, shown.subList(0, Math.min(shown.size(), MAX_SHOWN)), until);
  }

  /** Whether an active window covers any of {@code targetIds}. */
  boolean covers(List<String> targetIds) {
    return targetIds.stream().anyMatch(underMaintenance::contains);
  }

  /** The schedule's time zone id; "" for a one-off window. */
  static String zone(MaintenanceSchedule s) {
    return switch (s) {
      case MaintenanceSchedule.Once o -> "";
      case MaintenanceSchedule.Weekly w -> w.zone().getId();
      case MaintenanceSchedule.Monthly m -> m.zone().getId();
      case MaintenanceSchedule.Cron c -> c.zone().getId();
    };
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
