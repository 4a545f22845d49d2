package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.check.AddressPolicy;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ChannelFactoryTest {
  private final ChannelFactory factory = new ChannelFactory(AddressPolicy.allowingAll(), Clock.systemUTC());

  private static JsonNode json(String text) {
    return Contract.json(text);
  }

  @Test
  void buildsEveryTypeFromItsSettingsAndSecrets() {
    String[][] rows = {
      {"webhook", "{}", "{\"url\":\"https://h.example.com/x\",\"secret\":\"whsec_0123456789abcdef\"}"},
      {"slack", "{}", "{\"url\":\"https://hooks.slack.com/services/T/B/X\"}"},
      {"teams", "{}", "{\"url\":\"https://t.example.com/w\"}"},
      {"discord", "{}", "{\"url\":\"https://discord.com/api/webhooks/1/x\"}"},
      {"pagerduty", "{\"region\":\"eu\"}", "{\"routingKey\":\"R0123456789\"}"},
      {"opsgenie", "{}", "{\"apiKey\":\"k\"}"},
      {"telegram", "{\"chatId\":\"-100123\"}", "{\"botToken\":\"123456:ABCdefGHIjklMNOpqrSTUvwx\"}"},
      {"ntfy", "{\"serverUrl\":\"https://ntfy.example.com\"}", "{\"topic\":\"alerts\"}"},
      {"email", "{\"host\":\"smtp.example.com\",\"port\":587,\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]}",
          "{\"password\":\"p\"}"},
    };
    for (String[] r : rows) {
      ChannelFactory.Built b = factory.fromRow(r[0], "c-" + r[0], json(r[1]), json(r[2]), json("{}"));
      assertThat(b.type()).isEqualTo(r[0]);
      assertThat(b.id()).isEqualTo("c-" + r[0]);
      assertThat(b.toString()).doesNotContain("whsec_", "R0123456789", "ABCdef");
    }
    assertThat(ChannelFactory.TYPES).containsExactlyInAnyOrderElementsOf(ChannelFactory.SECRET_KEYS.keySet());
  }

  @Test
  void badSettingsNameTheFieldNeverTheValue() {
    assertThatThrownBy(() -> factory.fromRow("webhook", "w", json("{}"),
            json("{\"url\":\"https://h.example.com/\",\"secret\":\"short-secret\"}"), json("{}")))
        .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class, e -> {
          assertThat(e.field()).isEqualTo("secret");
          assertThat(e.getMessage()).doesNotContain("short-secret");
        });
    assertThatThrownBy(() -> factory.fromRow("slack", "s", json("{}"), json("{\"url\":\"ftp://x\"}"), json("{}")))
        .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class, e -> assertThat(e.field()).isEqualTo("url"));
    assertThatThrownBy(() -> factory.fromRow("pagerduty", "p", json("{}"), json("{}"), json("{}")))
        .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class,
            e -> assertThat(e.field()).isEqualTo("routingKey"));
    assertThatThrownBy(() -> factory.fromRow("fax", "f", json("{}"), json("{}"), json("{}")))
        .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class, e -> assertThat(e.field()).isEqualTo("type"));
  }

  @Test
  void emailTlsIsStartTlsOrImplicitAndImplicitDefaultsToPort465() {
    String base = "\"host\":\"smtp.example.com\",\"from\":\"w@example.com\",\"to\":[\"a@example.com\"]";
    java.util.function.Function<String, String> built =
        extra -> factory.fromRow("email", "e", json("{" + base + extra + "}"), json("{}"), json("{}")).toString();
    assertThat(built.apply("")).contains("smtp.example.com:587, STARTTLS");
    assertThat(built.apply(",\"tls\":\"starttls\"")).contains("smtp.example.com:587, STARTTLS");
    assertThat(built.apply(",\"tls\":\"implicit\"")).contains("smtp.example.com:465, IMPLICIT");
    assertThat(built.apply(",\"tls\":\"Implicit\"")).contains("smtp.example.com:465, IMPLICIT");
    assertThat(built.apply(",\"tls\":\"implicit\",\"port\":2465")).contains("smtp.example.com:2465, IMPLICIT");
    assertThat(built.apply(",\"tls\":\"starttls\",\"port\":25")).contains("smtp.example.com:25, STARTTLS");
    for (String bad : new String[] {"\"none\"", "\"plain\"", "5", "true", "[\"implicit\"]"}) {
      assertThatThrownBy(() -> built.apply(",\"tls\":" + bad)).as(bad)
          .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class, e -> assertThat(e.field()).isEqualTo("tls"));
    }
    assertThat(ChannelFactory.defaultSmtpPort("implicit")).isEqualTo(465);
    assertThat(ChannelFactory.defaultSmtpPort("IMPLICIT")).isEqualTo(465);
    assertThat(ChannelFactory.defaultSmtpPort("starttls")).isEqualTo(587);
    assertThat(ChannelFactory.defaultSmtpPort("")).isEqualTo(587);
  }

  @Test
  void aBrokenTemplateIsRefusedWithPebblesErrorButTheWorkersFallBack() {
    JsonNode secrets = json("{\"url\":\"https://hooks.slack.com/services/T/B/X\"}");
    JsonNode broken = json("{\"body\":\"{% if %}\"}");
    assertThatThrownBy(() -> factory.fromRow("slack", "s", json("{}"), secrets, broken))
        .isInstanceOfSatisfying(ChannelFactory.InvalidChannelException.class,
            e -> assertThat(e.field()).isEqualTo("templates.body"));
    assertThat(factory.channel("slack", "s", json("{}"), secrets, broken).type()).isEqualTo(ChannelType.SLACK);
  }

  @Test
  void aTestSendReportsTheReceiversAnswer() throws Exception {
    try (Receiver r = new Receiver().answer(503, "later", java.util.Map.of("Retry-After", "7"))) {
      ChannelFactory.Built b = factory.fromRow("webhook", "w", json("{}"),
          json("{\"url\":\"" + r.url("/t") + "\",\"secret\":\"whsec_0123456789abcdef\"}"), json("{}"));
      ChannelFactory.Outcome o = b.sendTest(java.net.URI.create("https://webmon.example.com/"));
      assertThat(o.outcome()).isEqualTo("retry");
      assertThat(o.httpStatus()).hasValue(503);
      assertThat(o.retryAfter()).contains(java.time.Duration.ofSeconds(7));
      assertThat(r.only().header("Idempotency-Key")).startsWith("test:").endsWith(":w");
    }
  }
}
