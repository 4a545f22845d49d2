package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationTest {
  @Test
  void dedupKeyIsIncidentSeqAndChannel() {
    Notification n = Notification.of(Incidents.acknowledged(), Incidents.WEB, "pager");
    assertThat(n.dedupKey()).isEqualTo(Incidents.ID + ":3:pager");
    assertThat(Notification.of(Incidents.acknowledged(), Incidents.WEB, "mail").dedupKey())
        .isNotEqualTo(n.dedupKey());
  }

  @Test
  void stateFollowsKindAndAcknowledgement() {
    assertThat(Incidents.notification(Incidents.opened()).incident().state()).isEqualTo(Notification.State.OPEN);
    assertThat(Incidents.notification(Incidents.updated()).incident().state()).isEqualTo(Notification.State.OPEN);
    assertThat(Incidents.notification(Incidents.acknowledged()).incident().state())
        .isEqualTo(Notification.State.ACKNOWLEDGED);
    assertThat(Incidents.notification(Incidents.resolved()).incident().state()).isEqualTo(Notification.State.RESOLVED);
  }

  @Test
  void failingResultIdsStartWithTheCauseWithoutRepeats() {
    Notification n = Incidents.notification(Incidents.opened());
    // CAUSE is also eu-west's first failing result
    assertThat(n.failingResultIds()).containsExactly(Incidents.CAUSE, Incidents.US_SINCE);
    assertThat(Incidents.notification(Incidents.resolved()).failingResultIds()).containsExactly(Incidents.CAUSE);
  }

  @Test
  void linksJoinTheWebBaseWithOrWithoutSlash() {
    for (String base : List.of("https://webmon.example.com", "https://webmon.example.com/", "https://webmon.example.com//")) {
      Notification n = Notification.of(Incidents.opened(), URI.create(base), "c");
      assertThat(n.links().web()).hasToString("https://webmon.example.com/");
      assertThat(n.links().incident()).hasToString(Contract.LINK);
    }
    Notification sub = Notification.of(Incidents.opened(), URI.create("https://example.com/webmon/"), "c");
    assertThat(sub.links().incident()).hasToString("https://example.com/webmon/incidents/" + Incidents.ID);
  }

  @Test
  void theModelLeavesAbsentValuesOut() {
    Map<String, Object> m = Notification.of(Incidents.opened(), Incidents.WEB, "c").templateModel();
    assertThat(m).containsOnlyKeys("target", "incident", "locations", "failingResultIds", "links", "dedupKey", "channelId");
    assertThat(map(m.get("target"))).containsOnlyKeys("id", "name");
    assertThat(map(m.get("incident"))).doesNotContainKeys("acknowledgement", "certificateExpiresAt")
        .containsEntry("kind", "OPENED").containsEntry("severity", "down").containsEntry("seq", 1L);
    Map<String, Object> acked = Incidents.notification(Incidents.acknowledged()).templateModel();
    assertThat(map(map(acked.get("incident")).get("acknowledgement")))
        .containsEntry("by", "alice").containsEntry("note", "looking into it").containsEntry("at", "2026-03-01T12:03:00Z");
    assertThat(map(acked.get("target"))).containsEntry("url", "https://shop.example.com/");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @Test
  void aBlankChannelIsRefused() {
    assertThatThrownBy(() -> Notification.of(Incidents.opened(), Incidents.WEB, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
