package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.Secret;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TelegramChannelTest {
  private static final String TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abc-def";

  private static TelegramChannel channel(Receiver r, String chat) {
    return new TelegramChannel(Incidents.CHANNEL, new TelegramChannel.Settings(r.url(""), new Secret(TOKEN), chat),
        Http.renderer(ChannelType.TELEGRAM), Http.delivery());
  }

  @Test
  void sendMessageForOpenedAcknowledgedResolved() throws Exception {
    try (Receiver r = new Receiver().answer(200, "{\"ok\":true,\"result\":{\"message_id\":1}}")) {
      TelegramChannel c = channel(r, "-1001234567890");
      for (Notification n : Incidents.openedAckedResolved()) {
        assertThat(c.send(n)).isInstanceOf(Delivery.Delivered.class);
      }
      String path = "/bot" + TOKEN + "/sendMessage";
      String body = "{\"chat_id\":-1001234567890,\"text\":\"%s\",\"link_preview_options\":{\"is_disabled\":true}}";
      Contract.assertPostJson(r.requests.get(0), path, body.formatted("OPENED Shop home page\\n\\nopen $LINK"));
      Contract.assertPostJson(r.requests.get(1), path, body.formatted("ACKNOWLEDGED Shop home page\\n\\nacknowledged $LINK"));
      Contract.assertPostJson(r.requests.get(2), path, body.formatted("RESOLVED Shop home page\\n\\nresolved $LINK"));
    }
  }

  @Test
  void channelUsernameIsAString() throws Exception {
    try (Receiver r = new Receiver().answer(200, "{\"ok\":true}")) {
      channel(r, "@webmon_alerts").send(Incidents.notification(Incidents.opened()));
      assertThat(Contract.json(r.only().text()).get("chat_id").asText()).isEqualTo("@webmon_alerts");
    }
  }

  @Test
  void floodControlSaysHowLongToWait() throws Exception {
    try (Receiver r = new Receiver().answer(429,
        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 3\",\"parameters\":{\"retry_after\":3}}")) {
      Delivery.Retryable d = (Delivery.Retryable) channel(r, "42").send(Incidents.notification(Incidents.opened()));
      assertThat(d.retryAfter()).contains(Duration.ofSeconds(3));
      assertThat(d.detail()).doesNotContain(TOKEN);
    }
    try (Receiver r = new Receiver().answer(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}")) {
      assertThat(channel(r, "42").send(Incidents.notification(Incidents.opened()))).isInstanceOf(Delivery.Failed.class);
    }
  }

  @Test
  void tokenAndChatAreValidatedAndTheTokenIsSecret() {
    assertThatThrownBy(() -> new TelegramChannel.Settings(TelegramChannel.API, new Secret("123/../x"), "42"))
        .hasMessageContaining("botToken").hasMessageNotContaining("123/../x");
    assertThatThrownBy(() -> new TelegramChannel.Settings(TelegramChannel.API, new Secret(TOKEN), "chat"))
        .hasMessageContaining("chatId");
    // longer than any chat id, and than a long: refused when saved rather than failing at send time
    assertThatThrownBy(() -> new TelegramChannel.Settings(TelegramChannel.API, new Secret(TOKEN), "99999999999999999999"))
        .hasMessageContaining("chatId");
    assertThat(new TelegramChannel.Settings(TelegramChannel.API, new Secret(TOKEN), "42").toString()).doesNotContain(TOKEN);
  }
}
