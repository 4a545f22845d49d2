package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.Secret;
import org.junit.jupiter.api.Test;

class PagerDutyChannelTest {
  private static final String KEY = "R0UT1NGKEY0123456789ABCDEFGHIJKL";

  private static PagerDutyChannel channel(Receiver r) {
    return new PagerDutyChannel(Incidents.CHANNEL,
        new PagerDutyChannel.Settings(r.url("/v2/enqueue"), new Secret(KEY)), Http.renderer(ChannelType.PAGERDUTY),
        Http.delivery());
  }

  @Test
  void triggerAcknowledgeResolveShareTheIncidentIdAsDedupKey() throws Exception {
    try (Receiver r = new Receiver().answer(202,
        "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"" + Incidents.ID + "\"}")) {
      PagerDutyChannel c = channel(r);
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      Contract.assertPostJson(r.requests.get(0), "/v2/enqueue", """
          {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
           "payload":{"summary":"OPENED Shop home page","source":"shop.example.com","severity":"critical",
             "timestamp":"2026-03-01T12:00:30Z","component":"shop-home","class":"down",
             "custom_details":{"message":"open $LINK","seq":1,"openedAt":"2026-03-01T12:00:30Z",
               "locations":[{"location":"eu-west","state":"DOWN","reason":"HTTP_STATUS","sinceResultId":"%s"},
                            {"location":"us-east","state":"DOWN","reason":"TIMEOUT","sinceResultId":"%s"}]}},
           "client":"webmon","client_url":"$LINK","links":[{"href":"$LINK","text":"Incident in webmon"}]}
          """.formatted(KEY, Incidents.ID, Incidents.EU_SINCE, Incidents.US_SINCE));
      Contract.assertPostJson(r.requests.get(1), "/v2/enqueue",
          "{\"routing_key\":\"%s\",\"event_action\":\"acknowledge\",\"dedup_key\":\"%s\"}".formatted(KEY, Incidents.ID));
      Contract.assertPostJson(r.requests.get(2), "/v2/enqueue",
          "{\"routing_key\":\"%s\",\"event_action\":\"resolve\",\"dedup_key\":\"%s\"}".formatted(KEY, Incidents.ID));
    }
  }

  @Test
  void updatedIsAnotherTriggerOfTheSameAlert() throws Exception {
    try (Receiver r = new Receiver().answer(202, "{}")) {
      channel(r).send(Incidents.notification(Incidents.updated()));
      assertThat(Contract.json(r.only().text()).get("event_action").asText()).isEqualTo("trigger");
      assertThat(Contract.json(r.only().text()).get("dedup_key").asText()).isEqualTo(Incidents.ID.toString());
    }
  }

  @Test
  void invalidEventIsPermanentRateLimitRetried() throws Exception {
    try (Receiver r = new Receiver().answer(400, "{\"status\":\"invalid event\"}")) {
      assertThat(channel(r).send(Incidents.notification(Incidents.opened()))).isInstanceOf(Delivery.Failed.class);
    }
    try (Receiver r = new Receiver().answer(429, "")) {
      assertThat(channel(r).send(Incidents.notification(Incidents.opened()))).isInstanceOf(Delivery.Retryable.class);
    }
  }

  @Test
  void theRoutingKeyIsSecret() {
    assertThat(new PagerDutyChannel.Settings(PagerDutyChannel.US, new Secret(KEY)).toString()).doesNotContain(KEY);
  }
}
