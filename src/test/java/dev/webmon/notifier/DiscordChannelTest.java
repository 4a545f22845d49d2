package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiscordChannelTest {
  private static DiscordChannel channel(Receiver r) {
    return new DiscordChannel(Incidents.CHANNEL,
        new DiscordChannel.Settings(SecretUrl.of(r.url("/api/webhooks/123456/TOKEN").toString())),
        Http.renderer(ChannelType.DISCORD), Http.delivery());
  }

  private static String embed(String title, String description, int color, String at) {
    return """
        {"embeds":[{"title":"%s","description":"%s","url":"$LINK","color":%d,"timestamp":"%s"}],
         "allowed_mentions":{"parse":[]}}
        """.formatted(title, description, color, at);
  }

  @Test
  void executesTheWebhookAndWaitsForOpenedAcknowledgedResolved() throws Exception {
    try (Receiver r = new Receiver().answer(200, "{\"id\":\"1\"}")) {
      DiscordChannel c = channel(r);
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      String path = "/api/webhooks/123456/TOKEN?wait=true";
      Contract.assertPostJson(r.requests.get(0), path,
          embed("OPENED Shop home page", "open $LINK", DiscordChannel.RED, "2026-03-01T12:00:30Z"));
      Contract.assertPostJson(r.requests.get(1), path,
          embed("ACKNOWLEDGED Shop home page", "acknowledged $LINK", DiscordChannel.YELLOW, "2026-03-01T12:03:00Z"));
      Contract.assertPostJson(r.requests.get(2), path,
          embed("RESOLVED Shop home page", "resolved $LINK", DiscordChannel.GREEN, "2026-03-01T12:10:00Z"));
    }
  }

  @Test
  void rateLimitFromTheJsonBodyWhenNoHeader() throws Exception {
    try (Receiver r = new Receiver().answer(429,
        "{\"message\":\"You are being rate limited.\",\"retry_after\":1.5,\"global\":false}")) {
      Delivery.Retryable d = (Delivery.Retryable) channel(r).send(Incidents.notification(Incidents.opened()));
      assertThat(d.retryAfter()).contains(Duration.ofMillis(1500));
    }
    try (Receiver r = new Receiver().answer(429, "{\"retry_after\":1.5}", Map.of("Retry-After", "2"))) {
      Delivery.Retryable d = (Delivery.Retryable) channel(r).send(Incidents.notification(Incidents.opened()));
      assertThat(d.retryAfter()).contains(Duration.ofSeconds(2));
    }
  }

  @Test
  void unknownWebhookIsPermanent() throws Exception {
    try (Receiver r = new Receiver().answer(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}")) {
      assertThat(channel(r).send(Incidents.notification(Incidents.opened()))).isInstanceOf(Delivery.Failed.class);
    }
  }
}
