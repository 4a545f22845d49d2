package dev.webmon.notifier;

import static dev.webmon.notifier.PlanScript.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The exact sends at the exact times, in scripts of an incident's life (Alertmanager acceptance style). */
class EscalationPlanTest {
  private static final List<String> OPS = List.of("ops");

  private static NotifySettings settings(String json) {
    return NotifySettings.fromJson(json);
  }

  private static final NotifySettings REMIND_15 = settings("{\"remindEverySeconds\":900}");
  private static final NotifySettings STEPS_10_30 =
      settings("{\"escalation\":[{\"afterMinutes\":10,\"channels\":[\"oncall\"]},"
          + "{\"afterMinutes\":30,\"channels\":[\"boss\",\"pager\"]}]}");
  private static final NotifySettings BOTH =
      settings("{\"remindEverySeconds\":900,\"escalation\":[{\"afterMinutes\":10,\"channels\":[\"oncall\"]},"
          + "{\"afterMinutes\":30,\"channels\":[\"boss\",\"pager\"]}]}");

  @Test
  void remindersEveryFifteenMinutesUntilTheAcknowledgement() {
    List<String> sends = new PlanScript(REMIND_15, OPS, t("12:00")).ack(t("12:40")).run(t("14:00"));
    assertThat(sends).containsExactly("12:15 reminder-1 ops", "12:30 reminder-2 ops");
  }

  @Test
  void remindersGoOnWhileNobodyAcknowledges() {
    List<String> sends = new PlanScript(REMIND_15, List.of("ops", "chat"), t("12:00")).run(t("13:00"));
    assertThat(sends).containsExactly(
        "12:15 reminder-1 ops,chat", "12:30 reminder-2 ops,chat", "12:45 reminder-3 ops,chat",
        "13:00 reminder-4 ops,chat");
  }

  @Test
  void escalationAfterTenAndThirtyMinutes() {
    List<String> sends = new PlanScript(STEPS_10_30, OPS, t("12:00")).run(t("14:00"));
    assertThat(sends).containsExactly("12:10 escalation-1 oncall", "12:30 escalation-2 boss,pager");
  }

  @Test
  void acknowledgedBeforeTheFirstStepNoEscalation() {
    assertThat(new PlanScript(BOTH, OPS, t("12:00")).ack(t("12:09:59")).tick(Duration.ofSeconds(1)).run(t("14:00")))
        .isEmpty();
  }

  @Test
  void acknowledgedBetweenStepsStopsTheLaterOnesAndTheReminders() {
    assertThat(new PlanScript(BOTH, OPS, t("12:00")).ack(t("12:20")).run(t("14:00")))
        .containsExactly("12:10 escalation-1 oncall", "12:15 reminder-1 ops");
  }

  @Test
  void anAcknowledgementAtTheStepsInstantWins() {
    // The engine's hook runs before the pass of the same instant (its transaction commits first).
    assertThat(new PlanScript(STEPS_10_30, OPS, t("12:00")).ack(t("12:10")).run(t("14:00"))).isEmpty();
  }

  @Test
  void resolvedStopsBoth() {
    assertThat(new PlanScript(BOTH, OPS, t("12:00")).resolve(t("12:16")).run(t("14:00")))
        .containsExactly("12:10 escalation-1 oncall", "12:15 reminder-1 ops");
  }

  @Test
  void remindersAndAStepDueTogetherAreBothSent() {
    assertThat(new PlanScript(BOTH, OPS, t("12:00")).ack(t("12:31")).run(t("14:00"))).containsExactly(
        "12:10 escalation-1 oncall", "12:15 reminder-1 ops", "12:30 reminder-2 ops", "12:30 escalation-2 boss,pager");
  }

  @Test
  void aRestartInTheMiddleNeitherRepeatsNorSkips() {
    List<String> uninterrupted = new PlanScript(BOTH, OPS, t("12:00")).ack(t("12:50")).run(t("14:00"));
    List<String> restarted = new PlanScript(BOTH, OPS, t("12:00")).ack(t("12:50"))
        .restart(t("12:10")).restart(t("12:20")).restart(t("12:30")).run(t("14:00"));
    assertThat(restarted).isEqualTo(uninterrupted).containsExactly(
        "12:10 escalation-1 oncall", "12:15 reminder-1 ops", "12:30 reminder-2 ops", "12:30 escalation-2 boss,pager",
        "12:45 reminder-3 ops");
  }

  @Test
  void downForAnHourCatchesUpWithOneReminderAndEveryStepOnce() {
    List<PlanScript.Sent> sends = new PlanScript(BOTH, OPS, t("12:00")).down(t("12:05"), t("13:05"))
        .ack(t("13:40")).runSends(t("14:00"));
    assertThat(sends).map(PlanScript::describe).containsExactly(
        "13:05 reminder-1 ops", "13:05 escalation-1 oncall", "13:05 escalation-2 boss,pager",
        "13:15 reminder-2 ops", "13:30 reminder-3 ops");
    // The catch-up says when it fell due: the first missed instant.
    assertThat(sends.get(0).send().dueAt()).isEqualTo(t("12:15"));
    assertThat(sends.get(2).send().dueAt()).isEqualTo(t("12:30"));
  }

  @Test
  void withoutRoutedChannelsNoRemindersButEscalation() {
    assertThat(new PlanScript(BOTH, List.of(), t("12:00")).run(t("12:45")))
        .containsExactly("12:10 escalation-1 oncall", "12:30 escalation-2 boss,pager");
    assertThat(EscalationPlan.start(REMIND_15, List.of(), t("12:00")).nextDue()).isEmpty();
  }

  @Test
  void noSettingsNothingEverDue() {
    assertThat(EscalationPlan.start(NotifySettings.NONE, OPS, t("12:00")).nextDue()).isEmpty();
    assertThat(new PlanScript(NotifySettings.NONE, OPS, t("12:00")).run(t("18:00"))).isEmpty();
  }

  @Test
  void theStateAfterEachDecisionNamesTheNextDueInstants() {
    EscalationPlan.State s = EscalationPlan.start(BOTH, OPS, t("12:00"));
    assertThat(s).isEqualTo(new EscalationPlan.State(t("12:00"), false, false, 0, Optional.of(t("12:15")), 0,
        Optional.of(t("12:10"))));
    assertThat(s.nextDue()).contains(t("12:10"));

    EscalationPlan.Decision early = EscalationPlan.due(BOTH, OPS, s, t("12:09:59"));
    assertThat(early.sends()).isEmpty();
    assertThat(early.next()).isEqualTo(s);

    EscalationPlan.Decision d = EscalationPlan.due(BOTH, OPS, s, t("12:10"));
    assertThat(d.sends()).containsExactly(
        new EscalationPlan.Send(FollowUp.step(1, 10), t("12:10"), List.of("oncall")));
    assertThat(d.next()).isEqualTo(new EscalationPlan.State(t("12:00"), false, false, 0, Optional.of(t("12:15")), 1,
        Optional.of(t("12:30"))));

    // Late by 50 minutes: one reminder, numbered 1, the next on the grid after now.
    EscalationPlan.Decision late = EscalationPlan.due(BOTH, OPS, d.next(), t("13:00:30"));
    assertThat(late.sends()).containsExactly(
        new EscalationPlan.Send(FollowUp.reminder(1), t("12:15"), OPS),
        new EscalationPlan.Send(FollowUp.step(2, 30), t("12:30"), List.of("boss", "pager")));
    assertThat(late.next()).isEqualTo(new EscalationPlan.State(t("12:00"), false, false, 1, Optional.of(t("13:15")), 2,
        Optional.empty()));
    assertThat(late.next().nextDue()).contains(t("13:15"));

    EscalationPlan.State acked = late.next().stop(true, false);
    assertThat(acked.nextDue()).isEmpty();
    assertThat(EscalationPlan.due(BOTH, OPS, acked, t("20:00")).sends()).isEmpty();
  }

  @Test
  void dedupKeysFollowTheDesign() {
    java.util.UUID id = java.util.UUID.fromString("7d444840-9dc0-11d1-b245-5ffdce74fad2");
    assertThat(FollowUp.reminder(3).dedupKey(id, "ops")).isEqualTo("7d444840-9dc0-11d1-b245-5ffdce74fad2:reminder-3:ops");
    assertThat(FollowUp.step(2, 30).dedupKey(id, "boss"))
        .isEqualTo("7d444840-9dc0-11d1-b245-5ffdce74fad2:escalation-2:boss");
  }

  @Test
  void theFollowUpRidesInThePayloadAndReadsBack() {
    var event = Json.object().put("incidentId", "x").put("seq", 2);
    var withStep = FollowUp.step(2, 30).addTo(event.deepCopy());
    assertThat(withStep.toString())
        .isEqualTo("{\"incidentId\":\"x\",\"seq\":2,\"followUp\":{\"kind\":\"ESCALATION\",\"number\":2,\"afterMinutes\":30}}");
    assertThat(FollowUp.of(withStep)).contains(FollowUp.step(2, 30));
    assertThat(FollowUp.of(FollowUp.reminder(4).addTo(event.deepCopy()))).contains(FollowUp.reminder(4));
    assertThat(FollowUp.of(event)).isEmpty();
    assertThat(FollowUp.of(Json.object().set("followUp", Json.object().put("kind", "NOPE").put("number", 1))))
        .isEmpty();
  }

  @Test
  void aScriptsInstantsAreUtc() {
    assertThat(t("12:15")).isEqualTo(Instant.parse("2026-03-01T12:15:00Z"));
  }
}
