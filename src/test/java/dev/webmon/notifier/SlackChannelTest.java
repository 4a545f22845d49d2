package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.IncidentEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackChannelTest {
  private static SlackChannel channel(Receiver r, Templates.Renderer renderer) {
    return new SlackChannel(Incidents.CHANNEL,
        new SlackChannel.Settings(SecretUrl.of(r.url("/services/T000/B000/XXXX").toString())), renderer, Http.delivery());
  }

  @Test
  void postsTextForOpenedAcknowledgedResolved() throws Exception {
    try (Receiver r = new Receiver().answer(200, "ok")) {
      SlackChannel c = channel(r, Http.renderer(ChannelType.SLACK));
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      assertThat(r.requests).hasSize(3);
      Contract.assertPostJson(r.requests.get(0), "/services/T000/B000/XXXX",
          "{\"text\":\"*OPENED Shop home page*\\nopen $LINK\"}");
      Contract.assertPostJson(r.requests.get(1), "/services/T000/B000/XXXX",
          "{\"text\":\"*ACKNOWLEDGED Shop home page*\\nacknowledged $LINK\"}");
      Contract.assertPostJson(r.requests.get(2), "/services/T000/B000/XXXX",
          "{\"text\":\"*RESOLVED Shop home page*\\nresolved $LINK\"}");
    }
  }

  @Test
  void defaultMessageEscapesMrkdwnControlCharacters() throws Exception {
    IncidentEvent e = Incidents.opened();
    IncidentEvent named = new IncidentEvent(e.incidentId(), e.targetId(), "A <b> & c", e.seq(), e.kind(),
        e.severity(), e.at(), e.openedAt(), e.locations(), e.causeResultId(), e.quorum(), e.reporting(),
        e.policy(), e.acknowledgement(), e.certificateExpiresAt());
    try (Receiver r = new Receiver()) {
      channel(r, Templates.Renderer.defaults(ChannelType.SLACK, Incidents.CHANNEL)).send(Incidents.notification(named));
      String text = Contract.json(r.only().text()).get("text").asText();
      assertThat(text)
          .startsWith("*[DOWN] A &lt;b&gt; &amp; c*\n*A &lt;b&gt; &amp; c* is down from 2 of 3 reporting locations")
          .contains("- eu-west: DOWN (HTTP_STATUS)")
          .endsWith("<" + Contract.LINK + "|Open the incident in webmon>");
    }
  }

  @Test
  void userTemplatesAreEscapedForMrkdwnToo() throws Exception {
    MessageTemplate t = new MessageTemplate(java.util.Optional.of("{{ target.name }} <!channel>"),
        java.util.Optional.of("{{ target.name ~ \" <!here>\" }}"));
    try (Receiver r = new Receiver()) {
      channel(r, new Templates().renderer(ChannelType.SLACK, "c", t)).send(Incidents.notification(Incidents.opened()));
      // Literal template text is the user's markup; values are escaped.
      assertThat(Contract.json(r.only().text()).get("text").asText())
          .isEqualTo("*Shop home page <!channel>*\nShop home page &lt;!here&gt;");
    }
  }

  @Test
  void rateLimitAndRemovedWebhook() throws Exception {
    try (Receiver r = new Receiver().answer(429, "rate_limited", Map.of("Retry-After", "30"))) {
      Delivery d = channel(r, Http.renderer(ChannelType.SLACK)).send(Incidents.notification(Incidents.opened()));
      assertThat(d).isInstanceOf(Delivery.Retryable.class);
      assertThat(((Delivery.Retryable) d).retryAfter()).contains(java.time.Duration.ofSeconds(30));
    }
    try (Receiver r = new Receiver().answer(404, "no_service")) {
      Delivery d = channel(r, Http.renderer(ChannelType.SLACK)).send(Incidents.notification(Incidents.opened()));
      assertThat(d).isInstanceOf(Delivery.Failed.class);
      assertThat(d.reply().orElseThrow().text()).isEqualTo("no_service");
    }
  }

  @Test
  void theWebhookUrlIsSecret() throws Exception {
    try (Receiver r = new Receiver()) {
      SlackChannel.Settings s = new SlackChannel.Settings(SecretUrl.of("https://hooks.slack.com/services/T1/B2/SECRET"));
      assertThat(s.toString()).doesNotContain("SECRET").contains("hooks.slack.com");
      assertThat(channel(r, Http.renderer(ChannelType.SLACK)).toString()).doesNotContain("XXXX");
    }
  }
}
