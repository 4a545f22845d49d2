package dev.webmon.web;

import dev.webmon.notifier.ChannelFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The settings of each channel type as the API and the form name them (docs/notifications.md,
 * "Channel settings"): which are secrets (never shown back; {@link ChannelFactory#SECRET_KEYS}),
 * which are URLs or hosts the address policy must allow, and how the form shows them. The
 * notifier's {@link ChannelFactory} does the checking of the values themselves.
 */
final class ChannelFields {
  /** How a setting is entered. */
  enum Kind {
    TEXT,
    /** an http(s) URL: checked against the address policy */
    URL,
    /** a host name: checked against the address policy (email) */
    HOST,
    NUMBER,
    /** a list of strings (comma-separated in the form) */
    LIST
  }

  /** One setting of a type. */
  record Field(String key, String label, Kind kind, boolean required, boolean secret, String hint) {}

  private static Field secret(String key, String label, Kind kind, boolean required, String hint) {
    return new Field(key, label, kind, required, true, hint);
  }

  private static Field plain(String key, String label, Kind kind, boolean required, String hint) {
    return new Field(key, label, kind, required, false, hint);
  }

  /** The settings per type, in form order. */
  static final Map<String, List<Field>> BY_TYPE =
      Map.of(
          "webhook",
          List.of(
              secret("url", "URL", Kind.URL, true, "POST target; may carry a token"),
              secret("secret", "Signing secret", Kind.TEXT, true, "at least 16 characters; signs X-Webmon-Signature")),
          "slack", List.of(secret("url", "Incoming webhook URL", Kind.URL, true, "https://hooks.slack.com/services/…")),
          "teams", List.of(secret("url", "Workflow webhook URL", Kind.URL, true, "from a Teams workflow")),
          "discord", List.of(secret("url", "Webhook URL", Kind.URL, true, "https://discord.com/api/webhooks/…")),
          "pagerduty",
          List.of(
              secret("routingKey", "Routing key", Kind.TEXT, true, "integration key of an Events API v2 integration"),
              plain("region", "Region", Kind.TEXT, false, "us (default) or eu"),
              plain("eventsUrl", "Events URL", Kind.URL, false, "instead of the region's (e.g. a proxy)")),
          "opsgenie",
          List.of(
              secret("apiKey", "API key", Kind.TEXT, true, "an API integration's key"),
              plain("region", "Region", Kind.TEXT, false, "us (default) or eu"),
              plain("apiUrl", "API URL", Kind.URL, false, "instead of the region's")),
          "telegram",
          List.of(
              secret("botToken", "Bot token", Kind.TEXT, true, "123456:ABC… from @BotFather"),
              plain("chatId", "Chat id", Kind.TEXT, true, "numeric id or @channelusername"),
              plain("apiUrl", "API URL", Kind.URL, false, "default https://api.telegram.org")),
          "ntfy",
          List.of(
              secret("topic", "Topic", Kind.TEXT, true, "anyone who knows it can read it"),
              plain("serverUrl", "Server URL", Kind.URL, false, "default https://ntfy.sh"),
              secret("accessToken", "Access token", Kind.TEXT, false, "for a protected topic")),
          "email",
          List.of(
              plain("host", "SMTP host", Kind.HOST, true, "TLS is required (STARTTLS or implicit)"),
              plain("port", "Port", Kind.NUMBER, false, "default 587, 465 with implicit TLS"),
              plain("tls", "TLS", Kind.TEXT, false, "starttls (default) or implicit (SMTPS, port 465)"),
              plain("username", "Username", Kind.TEXT, false, "empty: no AUTH"),
              secret("password", "Password", Kind.TEXT, false, ""),
              plain("from", "From", Kind.TEXT, true, "webmon@example.com"),
              plain("to", "To", Kind.LIST, true, "1-50 addresses, comma-separated")));

  /** The type names in the form's order. */
  static final List<String> TYPES =
      List.of("webhook", "slack", "teams", "discord", "pagerduty", "opsgenie", "telegram", "ntfy", "email");

  private ChannelFields() {}

  static List<Field> of(String type) {
    return BY_TYPE.getOrDefault(type, List.of());
  }

  static Optional<Field> field(String type, String key) {
    return of(type).stream().filter(f -> f.key().equals(key)).findFirst();
  }
}
