package dev.webmon.notifier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reminders and escalation steps of one incident, decided from its {@link NotifySettings},
 * the channels that got its OPENED, its {@link State} (what was already sent, as row {@code
 * notify_schedule} keeps it) and {@code now}. Pure: no I/O, no clock, so a restart that reloads the
 * state from the row decides exactly what an uninterrupted run would.
 *
 * <p>Semantics (docs/notifications.md, "Reminders and escalation"): reminder {@code n} (1, 2, …)
 * goes to the OPENED's channels at {@code openedAt + n × remindEvery} while the incident is open and
 * unacknowledged; escalation step {@code k} (1-based) goes to its channels at {@code openedAt +
 * afterMinutes(k)}. An acknowledgement or the resolution stops both for good.
 *
 * <p>Catch up with one: if the notifier was down past several reminder instants, ONE reminder is sent
 * when it is back (numbered after the last one sent), and the next is the first instant of the
 * {@code openedAt + n × remindEvery} grid after now. Escalation steps that fell due meanwhile are each
 * sent once, in order (they go to different people; skipping one would skip them). Stateless.
 */
final class EscalationPlan {
  private EscalationPlan() {}

  /**
   * What was sent and what is due next, as the columns of {@code notify_schedule}.
   *
   * @param openedAt when the incident opened
   * @param acknowledged once true, nothing more is sent
   * @param resolved once true, nothing more is sent
   * @param remindersSent reminders sent so far; the next is number {@code remindersSent + 1}
   * @param nextReminderAt when the next reminder is due; empty = none will be
   * @param nextStep index (0-based) of the next escalation step to send
   * @param nextStepAt when that step is due; empty = none will be
   */
  record State(
      Instant openedAt,
      boolean acknowledged,
      boolean resolved,
      int remindersSent,
      Optional<Instant> nextReminderAt,
      int nextStep,
      Optional<Instant> nextStepAt) {
    State {
      Objects.requireNonNull(openedAt, "openedAt");
      Objects.requireNonNull(nextReminderAt, "nextReminderAt");
      Objects.requireNonNull(nextStepAt, "nextStepAt");
      if (remindersSent < 0 || nextStep < 0) {
        throw new IllegalArgumentException("remindersSent and nextStep must not be negative");
      }
    }

    boolean stopped() {
      return acknowledged || resolved;
    }

    /** The earliest instant something is due; empty when nothing ever will be. */
    Optional<Instant> nextDue() {
      if (nextReminderAt.isEmpty()) {
        return nextStepAt;
      }
      if (nextStepAt.isEmpty()) {
        return nextReminderAt;
      }
      return Optional.of(nextReminderAt.get().isBefore(nextStepAt.get()) ? nextReminderAt.get() : nextStepAt.get());
    }

    /** This state after an acknowledgement or resolution: stopped, nothing due. */
    State stop(boolean acknowledge, boolean resolve) {
      return new State(openedAt, acknowledged || acknowledge, resolved || resolve, remindersSent, Optional.empty(),
          nextStep, Optional.empty());
    }
  }

  /**
   * One reminder or escalation step to send now.
   *
   * @param what which reminder or step
   * @param dueAt when it fell due (earlier than now after a catch-up)
   * @param channels the channel ids to send it to
   */
  record Send(FollowUp what, Instant dueAt, List<String> channels) {
    Send {
      Objects.requireNonNull(what, "what");
      Objects.requireNonNull(dueAt, "dueAt");
      channels = List.copyOf(channels);
    }
  }

  /** The sends due now and the state once they are sent. */
  record Decision(List<Send> sends, State next) {
    Decision {
      sends = List.copyOf(sends);
      Objects.requireNonNull(next, "next");
    }
  }

  /** The state of an incident that just opened: nothing sent, the first reminder and step planned. */
  static State start(NotifySettings settings, List<String> openedChannels, Instant openedAt) {
    Optional<Instant> reminder =
        openedChannels.isEmpty() ? Optional.empty() : settings.remindEvery().map(openedAt::plus);
    return new State(openedAt, false, false, 0, reminder, 0, stepAt(settings, openedAt, 0));
  }

  /**
   * What is due at {@code now}: at most one reminder (catch up with one) and every step due, and
   * the state after sending them. Nothing when the incident is stopped.
   */
  static Decision due(NotifySettings settings, List<String> openedChannels, State state, Instant now) {
    if (state.stopped()) {
      return new Decision(List.of(), state.stop(false, false));
    }
    List<Send> sends = new ArrayList<>();
    int reminders = state.remindersSent();
    Optional<Instant> nextReminder = state.nextReminderAt();
    Optional<Duration> every = settings.remindEvery();
    if (every.isEmpty() || openedChannels.isEmpty()) {
      nextReminder = Optional.empty();
    } else if (nextReminder.isPresent() && !nextReminder.get().isAfter(now)) {
      reminders++;
      sends.add(new Send(FollowUp.reminder(reminders), nextReminder.get(), openedChannels));
      long passed = Duration.between(state.openedAt(), now).dividedBy(every.get());
      nextReminder = Optional.of(state.openedAt().plus(every.get().multipliedBy(passed + 1)));
    }
    int step = state.nextStep();
    List<NotifySettings.Step> steps = settings.escalation();
    while (step < steps.size() && !state.openedAt().plus(steps.get(step).after()).isAfter(now)) {
      NotifySettings.Step s = steps.get(step);
      step++;
      sends.add(new Send(FollowUp.step(step, s.afterMinutes()), state.openedAt().plus(s.after()), s.channels()));
    }
    State next = new State(state.openedAt(), false, false, reminders, nextReminder, step,
        stepAt(settings, state.openedAt(), step));
    return new Decision(sends, next);
  }

  private static Optional<Instant> stepAt(NotifySettings settings, Instant openedAt, int step) {
    return step < settings.escalation().size()
        ? Optional.of(openedAt.plus(settings.escalation().get(step).after()))
        : Optional.empty();
  }
}
