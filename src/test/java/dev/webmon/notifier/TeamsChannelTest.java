package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TeamsChannelTest {
  private static final String PATH = "/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=SIG";

  private static String card(String subject, String body) {
    return """
        {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,
         "content":{"$schema":"http://adaptivecards.io/schemas/adaptive-card.json","type":"AdaptiveCard","version":"1.4",
          "body":[{"type":"TextBlock","text":"%s","weight":"Bolder","size":"Medium","wrap":true},
                  {"type":"TextBlock","text":"%s","wrap":true}],
          "actions":[{"type":"Action.OpenUrl","title":"Open incident","url":"$LINK"}]}}]}
        """.formatted(subject, body);
  }

  @Test
  void postsAnAdaptiveCardForOpenedAcknowledgedResolved() throws Exception {
    try (Receiver r = new Receiver().answer(202, "")) {
      TeamsChannel c = new TeamsChannel(Incidents.CHANNEL,
          new TeamsChannel.Settings(SecretUrl.of(r.url(PATH).toString())), Http.renderer(ChannelType.TEAMS),
          Http.delivery());
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      Contract.assertPostJson(r.requests.get(0), PATH, card("OPENED Shop home page", "open $LINK"));
      Contract.assertPostJson(r.requests.get(1), PATH, card("ACKNOWLEDGED Shop home page", "acknowledged $LINK"));
      Contract.assertPostJson(r.requests.get(2), PATH, card("RESOLVED Shop home page", "resolved $LINK"));
    }
  }

  @Test
  void defaultMessageIsMarkdown() throws Exception {
    try (Receiver r = new Receiver().answer(202, "")) {
      new TeamsChannel("t", new TeamsChannel.Settings(SecretUrl.of(r.url(PATH).toString())),
          Templates.Renderer.defaults(ChannelType.TEAMS, "t"), Http.delivery())
          .send(Incidents.notification(Incidents.resolved()));
      String body = Contract.json(r.only().text()).at("/attachments/0/content/body/1/text").asText();
      assertThat(body).startsWith("**Shop home page** has recovered").endsWith("[Open the incident in webmon](" + Contract.LINK + ")");
    }
  }
}
