package dev.webmon.event;

import com.cronutils.model.time.ExecutionTime;
import dev.webmon.Text;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When a maintenance window is active: once, or recurring in a time zone (docs/events.md,
 * "MaintenanceWindow"). Occurrences never overlap each other (a recurring schedule whose duration
 * is longer than the shortest gap between two of its starts is refused), and their ends grow
 * with their starts, so the occurrence in effect at an instant is the last one that started at or
 * before it.
 *
 * <p>Recurring schedules are local wall-clock times: an occurrence starts at its local start time
 * and ends at its local start time plus the duration, each resolved in the zone the way {@link
 * ZonedDateTime#of} does — a local time skipped by a DST change moves later by the gap's length,
 * a local time that occurs twice takes the first (earlier offset). So "02:00 for 2 h" in
 * Europe/Berlin lasts 2 h on most nights, 1 h on the night clocks go forward (03:00–04:00, since
 * 02:00 does not exist) and 3 h on the night they go back (02:00 CEST – 04:00 CET).
 */
public sealed interface MaintenanceSchedule {
  /** Longest one-off window. */
  Duration MAX_ONCE = Duration.ofDays(366);

  /** Shortest recurring occurrence. */
  Duration MIN_DURATION = Duration.ofMinutes(1);

  /** Longest recurring occurrence. */
  Duration MAX_DURATION = Duration.ofDays(7);

  /** The occurrence that started last at or before {@code t}, if any (it may have ended). */
  Optional<Occurrence> lastStartAtOrBefore(Instant t);

  /** The first occurrence starting strictly after {@code t}, if any. */
  Optional<Occurrence> firstStartAfter(Instant t);

  /** Whether an occurrence covers {@code t} (start inclusive, end exclusive). */
  default boolean activeAt(Instant t) {
    return lastStartAtOrBefore(t).map(o -> o.covers(t)).orElse(false);
  }

  /**
   * The phase {@code t} is in: active (inside an occurrence) or idle, with the instants it began
   * and ends, so that a caller may reuse it for every instant in {@code [since, until)}.
   */
  default Phase phaseAt(Instant t) {
    Optional<Occurrence> last = lastStartAtOrBefore(t);
    if (last.isPresent() && last.get().covers(t)) {
      return new Phase(true, last.get().start(), last.get().end());
    }
    Instant since = last.map(Occurrence::end).orElse(Instant.MIN);
    Instant until = firstStartAfter(t).map(Occurrence::start).orElse(Instant.MAX);
    return new Phase(false, since, until);
  }

  /** The occurrences overlapping {@code [from, to)}, in order, at most {@code max}. */
  default List<Occurrence> between(Instant from, Instant to, int max) {
    List<Occurrence> out = new ArrayList<>();
    Optional<Occurrence> o = lastStartAtOrBefore(from).filter(x -> x.covers(from));
    if (o.isEmpty()) {
      o = firstStartAfter(from);
    }
    while (o.isPresent() && out.size() < max && o.get().start().isBefore(to)) {
      out.add(o.get());
      o = firstStartAfter(o.get().start());
    }
    return List.copyOf(out);
  }

  /** One occurrence: {@code [start, end)}. */
  record Occurrence(Instant start, Instant end) {
    /** Whether {@code t} is inside. */
    public boolean covers(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  /**
   * A stretch of time with no change: inside an occurrence ({@code active}) or between two.
   * {@code since} is {@link Instant#MIN} before the first occurrence, {@code until} {@link
   * Instant#MAX} after the last.
   */
  record Phase(boolean active, Instant since, Instant until) {
    /** Whether this phase still holds at {@code t}. */
    public boolean holdsAt(Instant t) {
      return !t.isBefore(since) && t.isBefore(until);
    }
  }

  /** One window {@code [start, end)}. */
  record Once(Instant start, Instant end) implements MaintenanceSchedule {
    /** Validates: start before end, at most {@link #MAX_ONCE} apart. */
    public Once {
      Validate.instant(start, "schedule.start");
      Validate.instant(end, "schedule.end");
      if (!end.isAfter(start)) {
        throw new InvalidEventException("schedule.end", "must be after schedule.start");
      }
      if (Duration.between(start, end).compareTo(MAX_ONCE) > 0) {
        throw new InvalidEventException("schedule.end", "must be at most 366 days after schedule.start");
      }
    }

    @Override
    public Optional<Occurrence> lastStartAtOrBefore(Instant t) {
      return start.isAfter(t) ? Optional.empty() : Optional.of(new Occurrence(start, end));
    }

    @Override
    public Optional<Occurrence> firstStartAfter(Instant t) {
      return start.isAfter(t) ? Optional.of(new Occurrence(start, end)) : Optional.empty();
    }
  }

  /**
   * Every week on {@code days} at local time {@code at} in {@code zone}, for {@code duration}.
   */
  record Weekly(Set<DayOfWeek> days, LocalTime at, Duration duration, ZoneId zone)
      implements MaintenanceSchedule {
    /** Validates; the duration may not exceed the shortest gap between two chosen days. */
    public Weekly {
      Validate.notNull(days, "schedule.days");
      if (days.isEmpty()) {
        throw new InvalidEventException("schedule.days", "must name at least one day");
      }
      days = Set.copyOf(EnumSet.copyOf(days));
      at = minute(at, "schedule.at");
      duration = recurringDuration(duration);
      Validate.notNull(zone, "schedule.zone");
      int gapDays = 7;
      for (DayOfWeek d : days) {
        for (int i = 1; i <= 7; i++) {
          if (days.contains(d.plus(i))) {
            gapDays = Math.min(gapDays, i);
            break;
          }
        }
      }
      overlapCheck(duration, Duration.ofDays(gapDays));
    }

    @Override
    public Optional<Occurrence> lastStartAtOrBefore(Instant t) {
      LocalDate today = t.atZone(zone).toLocalDate();
      for (LocalDate d = today.plusDays(1); !d.isBefore(today.minusDays(8)); d = d.minusDays(1)) {
        if (days.contains(d.getDayOfWeek())) {
          Occurrence o = local(d.atTime(at), duration, zone);
          if (!o.start().isAfter(t)) {
            return Optional.of(o);
          }
        }
      }
      return Optional.empty();
    }

    @Override
    public Optional<Occurrence> firstStartAfter(Instant t) {
      LocalDate today = t.atZone(zone).toLocalDate();
      for (LocalDate d = today.minusDays(1); !d.isAfter(today.plusDays(8)); d = d.plusDays(1)) {
        if (days.contains(d.getDayOfWeek())) {
          Occurrence o = local(d.atTime(at), duration, zone);
          if (o.start().isAfter(t)) {
            return Optional.of(o);
          }
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Every month on day {@code day} (1–31; months without that day are skipped, as cron does) at
   * local time {@code at} in {@code zone}, for {@code duration}.
   */
  record Monthly(int day, LocalTime at, Duration duration, ZoneId zone)
      implements MaintenanceSchedule {
    /** Validates; the duration is at most {@link #MAX_DURATION}. */
    public Monthly {
      Validate.between(day, 1, 31, "schedule.day");
      at = minute(at, "schedule.at");
      duration = recurringDuration(duration);
      Validate.notNull(zone, "schedule.zone");
    }

    @Override
    public Optional<Occurrence> lastStartAtOrBefore(Instant t) {
      YearMonth now = YearMonth.from(t.atZone(zone));
      for (YearMonth m = now.plusMonths(1); !m.isBefore(now.minusMonths(13)); m = m.minusMonths(1)) {
        if (m.isValidDay(day)) {
          Occurrence o = local(m.atDay(day).atTime(at), duration, zone);
          if (!o.start().isAfter(t)) {
            return Optional.of(o);
          }
        }
      }
      return Optional.empty();
    }

    @Override
    public Optional<Occurrence> firstStartAfter(Instant t) {
      YearMonth now = YearMonth.from(t.atZone(zone));
      for (YearMonth m = now.minusMonths(1); !m.isAfter(now.plusMonths(13)); m = m.plusMonths(1)) {
        if (m.isValidDay(day)) {
          Occurrence o = local(m.atDay(day).atTime(at), duration, zone);
          if (o.start().isAfter(t)) {
            return Optional.of(o);
          }
        }
      }
      return Optional.empty();
    }
  }

  /**
   * Starts at the times of a five-field Unix cron expression ({@code minute hour day-of-month
   * month day-of-week}) in {@code zone}, each for {@code duration}.
   */
  record Cron(String expression, Duration duration, ZoneId zone) implements MaintenanceSchedule {
    /** Validates; the expression must start at least once in the two years after 2026-01-01 and no
     * two starts may be closer than {@code duration} (sampled over that span). */
    public Cron {
      Validate.text(expression, "schedule.cron", 1, 200, false);
      duration = recurringDuration(duration);
      Validate.notNull(zone, "schedule.zone");
      ExecutionTime times = CronTimes.parse(expression);
      ZonedDateTime from = LocalDate.of(2026, 1, 1).atStartOfDay(ZoneOffset.UTC);
      ZonedDateTime until = from.plusYears(2);
      Optional<ZonedDateTime> prev = times.nextExecution(from);
      if (prev.isEmpty() || prev.get().isAfter(until)) {
        throw new InvalidEventException("schedule.cron", "never starts (no time matches it in two years)");
      }
      Duration gap = Duration.ofDays(3650);
      for (int i = 0; i < 1000; i++) {
        Optional<ZonedDateTime> next = times.nextExecution(prev.get());
        if (next.isEmpty() || next.get().isAfter(until)) {
          break;
        }
        Duration d = Duration.between(prev.get(), next.get());
        if (d.compareTo(gap) < 0) {
          gap = d;
        }
        prev = next;
      }
      overlapCheck(duration, gap);
    }

    @Override
    public Optional<Occurrence> lastStartAtOrBefore(Instant t) {
      // Matches are found on the zone's local timeline (as if it were UTC, which has no DST
      // changes), then resolved like the other schedules; cron-utils itself would skip a start
      // inside a DST gap. Local -> instant never decreases, so step back until one is <= t.
      ExecutionTime times = CronTimes.parse(expression);
      Optional<ZonedDateTime> c = times.lastExecution(localLine(t).plus(DST_MARGIN));
      while (c.isPresent() && startOf(c.get()).isAfter(t)) {
        c = times.lastExecution(c.get());
      }
      return c.map(z -> local(z.toLocalDateTime(), duration, zone));
    }

    @Override
    public Optional<Occurrence> firstStartAfter(Instant t) {
      ExecutionTime times = CronTimes.parse(expression);
      Optional<ZonedDateTime> c = times.nextExecution(localLine(t).minus(DST_MARGIN));
      while (c.isPresent() && !startOf(c.get()).isAfter(t)) {
        c = times.nextExecution(c.get());
      }
      return c.map(z -> local(z.toLocalDateTime(), duration, zone));
    }

    private ZonedDateTime localLine(Instant t) {
      return t.atZone(zone).toLocalDateTime().atZone(ZoneOffset.UTC);
    }

    private Instant startOf(ZonedDateTime localLine) {
      return ZonedDateTime.of(localLine.toLocalDateTime(), zone).toInstant();
    }
  }

  /** More than any DST shift of a zone's local time (they are 1 h, rarely 30 min or 2 h). */
  Duration DST_MARGIN = Duration.ofHours(3);

  private static Occurrence local(LocalDateTime start, Duration duration, ZoneId zone) {
    return new Occurrence(
        ZonedDateTime.of(start, zone).toInstant(),
        ZonedDateTime.of(start.plus(duration), zone).toInstant());
  }

  private static LocalTime minute(LocalTime at, String field) {
    Validate.notNull(at, field);
    if (!at.truncatedTo(ChronoUnit.MINUTES).equals(at)) {
      throw new InvalidEventException(field, "must be a whole minute (HH:mm), got " + at);
    }
    return at;
  }

  private static Duration recurringDuration(Duration d) {
    Validate.duration(d, "schedule.duration", MIN_DURATION, MAX_DURATION);
    if (!d.truncatedTo(ChronoUnit.MINUTES).equals(d)) {
      throw new InvalidEventException("schedule.duration", "must be whole minutes, got " + d);
    }
    return d;
  }

  private static void overlapCheck(Duration duration, Duration shortestGap) {
    if (duration.compareTo(shortestGap) > 0) {
      throw new InvalidEventException(
          "schedule.duration",
          "is longer than the " + shortestGap + " between two starts: occurrences would overlap");
    }
  }

  /** Parses a zone id as the wire carries it. */
  static ZoneId zone(String id, String field) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new InvalidEventException(field, "is not a time zone id (e.g. Europe/Berlin, UTC): " + Text.clip(id, 80));
    }
  }
}
