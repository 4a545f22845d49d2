package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default wording of reminders and escalation steps. */
class FollowUpMessagesTest {
  private final Notification updated = Incidents.notification(Incidents.updated());

  @Test
  void aReminderSaysWhichAndThenWhatTheIncidentIs() {
    Message m = DefaultMessages.followUp(ChannelType.EMAIL, updated, FollowUp.reminder(2));
    assertThat(m.subject()).isEqualTo("[DOWN] Shop home page (reminder 2)");
    assertThat(m.body()).isEqualTo(
        "Reminder 2: this incident is still open and nobody has acknowledged it.\n"
            + "Shop home page is down from 1 of 3 reporting locations (quorum 2). Updated at 2026-03-01 12:01:30 UTC;"
            + " open since 2026-03-01 12:00:30 UTC.\n"
            + "Locations:\n- eu-west: DOWN (HTTP_STATUS)\n"
            + "Target: https://shop.example.com/\n"
            + "Open the incident in webmon: https://webmon.example.com/incidents/7d444840-9dc0-11d1-b245-5ffdce74fad2");
  }

  @Test
  void anEscalationStepSaysAfterHowLong() {
    Message m = DefaultMessages.followUp(ChannelType.SLACK, updated, FollowUp.step(1, 10));
    assertThat(m.subject()).isEqualTo("[DOWN] Shop home page (escalation step 1)");
    assertThat(m.body()).startsWith(
        "*Escalation step 1*: nobody has acknowledged this incident within 10 minutes.\n*Shop home page* is down");
    assertThat(DefaultMessages.followUp(ChannelType.DISCORD, updated, FollowUp.step(2, 1)).body())
        .startsWith("**Escalation step 2**: nobody has acknowledged this incident within 1 minute.\n");
  }

  @Test
  void theTemplateModelNamesTheFollowUp() {
    assertThat(FollowUp.step(2, 30).templateModel()).containsExactly(
        java.util.Map.entry("kind", "ESCALATION"), java.util.Map.entry("number", 2), java.util.Map.entry("afterMinutes", 30L));
    assertThat(FollowUp.reminder(1).templateModel()).containsOnlyKeys("kind", "number");
  }
}
