package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.config.Secret;
import org.junit.jupiter.api.Test;

class OpsgenieChannelTest {
  private static final String KEY = "eb243592-faa2-4ba2-a551-1afdf565c889";
  private static final java.util.Map<String, String> AUTH = java.util.Map.of("Authorization", "GenieKey " + KEY);

  private static OpsgenieChannel channel(Receiver r) {
    return new OpsgenieChannel(Incidents.CHANNEL,
        new OpsgenieChannel.Settings(r.url(""), new Secret(KEY)), Http.renderer(ChannelType.OPSGENIE), Http.delivery());
  }

  @Test
  void createAcknowledgeCloseByAlias() throws Exception {
    try (Receiver r = new Receiver().answer(202,
        "{\"result\":\"Request will be processed\",\"took\":0.302,\"requestId\":\"43a29c5c\"}")) {
      OpsgenieChannel c = channel(r);
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      for (Receiver.Request req : r.requests) {
        assertThat(req.header("Authorization")).isEqualTo("GenieKey " + KEY);
      }
      Contract.assertPostJson(r.requests.get(0), "/v2/alerts", """
          {"message":"OPENED Shop home page","alias":"%s","description":"open $LINK","tags":["webmon","down"],
           "details":{"targetId":"shop-home","targetUrl":"https://shop.example.com/","incident":"$LINK","seq":"1"},
           "entity":"Shop home page","source":"webmon","priority":"P1"}
          """.formatted(Incidents.ID), AUTH);
      Contract.assertPostJson(r.requests.get(1), "/v2/alerts/" + Incidents.ID + "/acknowledge?identifierType=alias",
          "{\"user\":\"alice\",\"source\":\"webmon\",\"note\":\"acknowledged $LINK\"}", AUTH);
      Contract.assertPostJson(r.requests.get(2), "/v2/alerts/" + Incidents.ID + "/close?identifierType=alias",
          "{\"user\":\"webmon\",\"source\":\"webmon\",\"note\":\"resolved $LINK\"}", AUTH);
    }
  }

  @Test
  void updatedAddsANote() throws Exception {
    try (Receiver r = new Receiver().answer(202, "{}")) {
      channel(r).send(Incidents.notification(Incidents.updated()));
      Contract.assertPostJson(r.only(), "/v2/alerts/" + Incidents.ID + "/notes?identifierType=alias",
          "{\"user\":\"webmon\",\"source\":\"webmon\",\"note\":\"open $LINK\"}", AUTH);
    }
  }

  @Test
  void regionsAndSecrets() throws Exception {
    assertThat(OpsgenieChannel.Region.EU.apiUrl.toString()).isEqualTo("https://api.eu.opsgenie.com");
    assertThat(OpsgenieChannel.Region.US.apiUrl.toString()).isEqualTo("https://api.opsgenie.com");
    assertThat(OpsgenieChannel.Settings.of(OpsgenieChannel.Region.EU, new Secret(KEY)).toString()).doesNotContain(KEY);
    try (Receiver r = new Receiver().answer(401, "{\"message\":\"Could not authenticate\"}")) {
      Delivery d = channel(r).send(Incidents.notification(Incidents.opened()));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.detail()).doesNotContain(KEY);
    }
  }
}
