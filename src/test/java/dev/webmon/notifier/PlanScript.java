package dev.webmon.notifier;

import dev.webmon.store.Schedules;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A script in the style of Alertmanager's acceptance tests: an incident opened at a time, its
 * acknowledgement or resolution at times, the notifier's passes (every tick, except while it is
 * down), restarts at times; {@link #run} gives the exact sends, as {@code "12:15 reminder-1 ops"}
 * (the pass's time, the follow-up, the channel). A restart reloads the state through the
 * {@code notify_schedule} row, as a new process would.
 */
final class PlanScript {
  static final Instant DAY = Instant.parse("2026-03-01T00:00:00Z");
  private static final UUID ID = UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2");

  private final NotifySettings settings;
  private final List<String> channels;
  private final Instant openedAt;
  private Optional<Instant> ackAt = Optional.empty();
  private Optional<Instant> resolvedAt = Optional.empty();
  private final List<Instant[]> down = new ArrayList<>();
  private final TreeSet<Instant> restarts = new TreeSet<>();
  private Duration tick = Duration.ofMinutes(1);

  PlanScript(NotifySettings settings, List<String> channels, Instant openedAt) {
    this.settings = settings;
    this.channels = List.copyOf(channels);
    this.openedAt = openedAt;
  }

  /** {@code "12:15"} on {@link #DAY}, or {@code "12:15:30"}. */
  static Instant t(String time) {
    return LocalTime.parse(time).atDate(DAY.atZone(ZoneOffset.UTC).toLocalDate()).toInstant(ZoneOffset.UTC);
  }

  static String hhmm(Instant i) {
    LocalTime t = LocalTime.ofInstant(i, ZoneOffset.UTC);
    return t.getSecond() == 0 ? t.toString() : t.toString().substring(0, 8);
  }

  PlanScript ack(Instant at) {
    ackAt = Optional.of(at);
    return this;
  }

  PlanScript resolve(Instant at) {
    resolvedAt = Optional.of(at);
    return this;
  }

  /** No passes from {@code from} (inclusive) to {@code to} (exclusive). */
  PlanScript down(Instant from, Instant to) {
    down.add(new Instant[] {from, to});
    return this;
  }

  PlanScript restart(Instant at) {
    restarts.add(at);
    return this;
  }

  PlanScript tick(Duration every) {
    tick = every;
    return this;
  }

  /** The sends of passes every tick after the opening up to {@code until} (inclusive). */
  List<String> run(Instant until) {
    return runSends(until).stream().map(PlanScript::describe).toList();
  }

  /** A send made at a pass. */
  record Sent(Instant at, EscalationPlan.Send send) {}

  List<Sent> runSends(Instant until) {
    List<Sent> out = new ArrayList<>();
    EscalationPlan.State state = EscalationPlan.start(settings, channels, openedAt);
    Instant restartedUpTo = openedAt;
    for (Instant at = openedAt.plus(tick); !at.isAfter(until); at = at.plus(tick)) {
      Instant now = at;
      if (!restarts.subSet(restartedUpTo, false, now, true).isEmpty()) {
        state = reload(state); // the process restarted since the last pass: only the row survived
        restartedUpTo = now;
      }
      boolean ack = ackAt.filter(a -> !a.isAfter(now)).isPresent();
      boolean resolved = resolvedAt.filter(r -> !r.isAfter(now)).isPresent();
      if ((ack && !state.acknowledged()) || (resolved && !state.resolved())) {
        state = state.stop(ack, resolved); // the engine's hook, before the pass at the same instant
      }
      if (isDown(now)) {
        continue;
      }
      if (state.stopped() || state.nextDue().filter(d -> !d.isAfter(now)).isEmpty()) {
        continue; // the claim query would not pick the row
      }
      EscalationPlan.Decision d = EscalationPlan.due(settings, channels, state, now);
      for (EscalationPlan.Send s : d.sends()) {
        out.add(new Sent(now, s));
      }
      state = d.next();
    }
    return out;
  }

  /** The first pass at or after {@code from} while up, if one comes by {@code until}. */
  Optional<Instant> firstPass(Instant from, Instant until) {
    for (Instant at = openedAt.plus(tick); !at.isAfter(until); at = at.plus(tick)) {
      if (!at.isBefore(from) && !isDown(at)) {
        return Optional.of(at);
      }
    }
    return Optional.empty();
  }

  private boolean isDown(Instant now) {
    return down.stream().anyMatch(w -> !now.isBefore(w[0]) && now.isBefore(w[1]));
  }

  /** The state written to the row and read back as a new process reads it. */
  private EscalationPlan.State reload(EscalationPlan.State state) {
    Schedules.Row template = new Schedules.Row(ID, "shop-home", "default", openedAt, false, false, Optional.empty(), 0,
        0, Optional.empty(), "{}", channels, settings.toJson().toString());
    Schedules.Row row = Escalations.withState(template, state);
    return Escalations.state(row);
  }

  static String describe(Sent s) {
    FollowUp f = s.send().what();
    String what = (f.kind() == FollowUp.Kind.REMINDER ? "reminder-" : "escalation-") + f.number();
    return hhmm(s.at()) + " " + what + " " + String.join(",", s.send().channels());
  }
}
