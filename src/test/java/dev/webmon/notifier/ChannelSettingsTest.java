package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.Secret;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Bad settings are refused naming the setting, never quoting a secret. */
class ChannelSettingsTest {
  private static void refused(ThrowingCallable c, String field, String secret) {
    assertThatThrownBy(c)
        .isInstanceOf(InvalidSettingException.class)
        .hasMessageStartingWith(field + " ")
        .hasMessageNotContaining(secret)
        .satisfies(e -> assertThat(((InvalidSettingException) e).field()).isEqualTo(field));
  }

  @Test
  void eachBadSettingIsNamed() {
    refused(() -> SecretUrl.of("hooks.slack.com/services/T/B/SECRETX"), "url", "SECRETX");
    refused(() -> SecretUrl.of("https://u:SECRETX@example.com/"), "url", "SECRETX");
    refused(() -> SecretUrl.of("javascript:SECRETX"), "url", "SECRETX");
    refused(() -> new WebhookChannel.Settings(SecretUrl.of("https://example.com/"), new Secret("SECRETX")),
        "secret", "SECRETX");
    refused(() -> new PagerDutyChannel.Settings(PagerDutyChannel.EU, new Secret(" ")), "routingKey", "SECRETX");
    refused(() -> new OpsgenieChannel.Settings(OpsgenieChannel.Region.US.apiUrl, new Secret("")), "apiKey", "SECRETX");
    refused(() -> new NtfyChannel.Settings(NtfyChannel.NTFY_SH, new Secret("a/SECRETX"), Optional.empty()),
        "topic", "SECRETX");
    refused(() -> new TelegramChannel.Settings(TelegramChannel.API, new Secret("SECRETX"), "1"), "botToken", "SECRETX");
    refused(() -> email("smtp host", 587, "a@example.com", List.of("b@example.com")), "host", "SECRETX");
    refused(() -> email("smtp.example.com", 0, "a@example.com", List.of("b@example.com")), "port", "SECRETX");
    refused(() -> email("smtp.example.com", 587, "not an address", List.of("b@example.com")), "from", "SECRETX");
    refused(() -> email("smtp.example.com", 587, "a@example.com", List.of()), "to", "SECRETX");
    refused(() -> email("smtp.example.com", 587, "a@example.com", List.of("b@")), "to", "SECRETX");
  }

  @Test
  void settingsNeverShowSecrets() {
    assertThat(email("smtp.example.com", 587, "a@example.com", List.of("b@example.com")).toString())
        .doesNotContain("SECRETX").contains("smtp.example.com");
    assertThat(new NtfyChannel.Settings(NtfyChannel.NTFY_SH, new Secret("topicSECRETX"),
        Optional.of(new Secret("tk_SECRETX"))).toString()).doesNotContain("SECRETX");
  }

  private static EmailChannel.Settings email(String host, int port, String from, List<String> to) {
    return new EmailChannel.Settings(host, port, EmailChannel.Tls.STARTTLS, "user", new Secret("SECRETX"), from, to);
  }
}
