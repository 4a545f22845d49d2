package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Over random policies, acknowledgements, resolutions, restarts and outages: a restart changes no
 * send, an outage skips no step and repeats nothing, and reminders are numbered without gaps.
 */
class EscalationPlanPropertiesTest {
  private static final Instant OPENED = PlanScript.t("12:00");
  private static final Instant UNTIL = PlanScript.t("16:00");

  /** One random life of an incident. */
  record Life(NotifySettings settings, List<String> channels, Optional<Integer> ackMinute,
      Optional<Integer> resolveMinute, Set<Integer> restartMinutes, List<int[]> downMinutes, Duration tick) {
    PlanScript script(boolean restarts, boolean outages) {
      PlanScript s = new PlanScript(settings, channels, OPENED).tick(tick);
      ackMinute.ifPresent(m -> s.ack(at(m)));
      resolveMinute.ifPresent(m -> s.resolve(at(m)));
      if (restarts) {
        restartMinutes.forEach(m -> s.restart(at(m)));
      }
      if (outages) {
        downMinutes.forEach(w -> s.down(at(w[0]), at(w[0] + w[1])));
      }
      return s;
    }

    Instant stoppedAt() {
      int m = Math.min(ackMinute.orElse(Integer.MAX_VALUE / 2), resolveMinute.orElse(Integer.MAX_VALUE / 2));
      return at(m);
    }
  }

  static Instant at(int minute) {
    return OPENED.plus(Duration.ofMinutes(minute));
  }

  @Provide
  Arbitrary<Life> lives() {
    Arbitrary<Optional<Duration>> remind =
        Arbitraries.integers().between(0, 45).map(m -> m == 0 ? Optional.<Duration>empty() : Optional.of(Duration.ofMinutes(m)));
    Arbitrary<List<NotifySettings.Step>> steps = Arbitraries.integers().between(1, 150).set().ofMaxSize(4)
        .map(set -> {
          List<NotifySettings.Step> list = new ArrayList<>();
          int i = 0;
          for (int m : new TreeSet<>(set)) {
            list.add(new NotifySettings.Step(Duration.ofMinutes(m), List.of("step-" + (++i))));
          }
          return list;
        });
    Arbitrary<NotifySettings> settings = Combinators.combine(remind, steps).as(NotifySettings::new);
    Arbitrary<List<String>> channels = Arbitraries.of(List.<String>of(), List.of("ops"), List.of("ops", "chat"));
    Arbitrary<Optional<Integer>> minute = Arbitraries.integers().between(1, 240).optional(0.6);
    Arbitrary<Set<Integer>> restarts = Arbitraries.integers().between(1, 240).set().ofMaxSize(6);
    Arbitrary<List<int[]>> down = Combinators.combine(Arbitraries.integers().between(1, 200),
            Arbitraries.integers().between(1, 90)).as((from, length) -> new int[] {from, length})
        .list().ofMaxSize(3);
    Arbitrary<Duration> tick = Arbitraries.of(Duration.ofMinutes(1), Duration.ofSeconds(20), Duration.ofMinutes(7));
    return Combinators.combine(settings, channels, minute, minute, restarts, down, tick).as(Life::new);
  }

  @Property(tries = 400)
  void restartsChangeNoSend(@ForAll("lives") Life life) {
    assertThat(life.script(true, false).run(UNTIL)).isEqualTo(life.script(false, false).run(UNTIL));
    assertThat(life.script(true, true).run(UNTIL)).isEqualTo(life.script(false, true).run(UNTIL));
  }

  @Property(tries = 400)
  void anOutageSkipsNoStepAndRepeatsNothing(@ForAll("lives") Life life) {
    PlanScript script = life.script(false, true);
    List<PlanScript.Sent> sends = script.runSends(UNTIL);
    Instant stopped = life.stoppedAt();

    // Each step once, in order, at the first pass on or after its time unless stopped by then.
    List<String> expectedSteps = new ArrayList<>();
    List<NotifySettings.Step> steps = life.settings().escalation();
    for (int k = 0; k < steps.size(); k++) {
      Optional<Instant> pass = script.firstPass(OPENED.plus(steps.get(k).after()), UNTIL);
      if (pass.isPresent() && pass.get().isBefore(stopped)) {
        expectedSteps.add(PlanScript.hhmm(pass.get()) + " escalation-" + (k + 1) + " step-" + (k + 1));
      }
    }
    assertThat(sends.stream().filter(s -> s.send().what().kind() == FollowUp.Kind.ESCALATION)
            .map(PlanScript::describe).toList())
        .isEqualTo(expectedSteps);

    // Reminders 1, 2, … without gaps or repeats, never early, at most one per pass, none once stopped.
    List<PlanScript.Sent> reminders =
        sends.stream().filter(s -> s.send().what().kind() == FollowUp.Kind.REMINDER).toList();
    Instant previous = Instant.MIN;
    for (int i = 0; i < reminders.size(); i++) {
      PlanScript.Sent r = reminders.get(i);
      assertThat(r.send().what().number()).isEqualTo(i + 1);
      assertThat(r.at()).isAfterOrEqualTo(r.send().dueAt()).isAfter(previous).isBefore(stopped);
      assertThat(r.send().channels()).isEqualTo(life.channels()).isNotEmpty();
      previous = r.at();
    }
    if (life.settings().remindEvery().isEmpty() || life.channels().isEmpty()) {
      assertThat(reminders).isEmpty();
    }
  }

  @Property(tries = 300)
  void withoutAnOutageEveryReminderIsOnTimeAndNoneIsMissing(@ForAll("lives") Life life) {
    Duration every = life.settings().remindEvery().orElse(Duration.ZERO);
    List<PlanScript.Sent> reminders = life.script(true, false).runSends(UNTIL).stream()
        .filter(s -> s.send().what().kind() == FollowUp.Kind.REMINDER).toList();
    List<Instant> expected = new ArrayList<>();
    if (!every.isZero() && !life.channels().isEmpty()) {
      for (Instant due = OPENED.plus(every); !due.isAfter(UNTIL) && due.isBefore(life.stoppedAt());
          due = due.plus(every)) {
        expected.add(due);
      }
    }
    // Passes come every tick, so a reminder goes out at the first pass on or after its instant.
    List<Instant> expectedPasses = new ArrayList<>();
    PlanScript script = life.script(false, false);
    for (Instant due : expected) {
      script.firstPass(due, UNTIL).filter(p -> p.isBefore(life.stoppedAt())).ifPresent(expectedPasses::add);
    }
    assertThat(reminders.stream().map(PlanScript.Sent::at).toList()).isEqualTo(expectedPasses.stream().distinct().toList());
  }
}
