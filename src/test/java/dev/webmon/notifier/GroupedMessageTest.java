package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.IncidentEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupedMessageTest {
  @Test
  void aGroupedMessageListsEveryIncidentAndAGiveUpNamesTheChannel() {
    List<IncidentEvent> a = NotifierFixture.lifecycle("a");
    List<IncidentEvent> b = NotifierFixture.lifecycle("b");
    Notification first = Notification.of(a.get(0), Incidents.WEB, "hook");
    Notification grouped = first.groupedWith(List.of(Notification.of(b.get(0), Incidents.WEB, "hook")), "group:1:hook");
    Message m = DefaultMessages.of(ChannelType.EMAIL, grouped);
    assertThat(m.subject()).isEqualTo("[DOWN] 2 targets: Target a, Target b");
    assertThat(m.body()).contains("2 incidents opened together", "Target a", "Target b",
        "/incidents/" + a.get(0).incidentId(), "/incidents/" + b.get(0).incidentId());
    assertThat(grouped.dedupKey()).isEqualTo("group:1:hook");
    assertThat(grouped.templateModel()).containsKey("group");

    Notification giveUp = first.asGiveUp(new Notification.GiveUp("hook", "OPENED", 7, "HTTP 503"), "give-up:9:admin");
    Message g = DefaultMessages.of(ChannelType.SLACK, giveUp);
    assertThat(g.subject()).isEqualTo("[GIVE UP] OPENED of Target a not delivered to hook");
    assertThat(g.body()).contains("after 7 attempts", "HTTP 503");
    assertThat(DefaultMessages.of(ChannelType.EMAIL, first).subject()).isEqualTo("[DOWN] Target a");
  }
}
