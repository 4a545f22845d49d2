package dev.webmon.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Slack incoming webhook: {@code POST <webhook URL>} with {@code Content-type: application/json}
 * and {@code {"text": "..."}} in mrkdwn (the subject in bold, then the body); Slack answers 200
 * {@code ok}, 4xx for a bad payload or a removed webhook/channel, 429 when rate limited.
 * Format: https://api.slack.com/messaging/webhooks ; escaping of {@code & < >}:
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */
final class SlackChannel implements Channel {
  /** Slack truncates longer text; stay well below its 40 000-character limit. */
  static final int MAX_TEXT = 3000;

  /** @param webhookUrl {@code https://hooks.slack.com/services/T…/B…/…} (a secret) */
  record Settings(SecretUrl webhookUrl) {}

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  SlackChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
    this.id = id;
    this.settings = settings;
    this.renderer = renderer;
    this.http = http;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ChannelType type() {
    return ChannelType.SLACK;
  }

  @Override
  public Delivery send(Notification n) {
    return http.send(HttpDelivery.Request.postJson(settings.webhookUrl().uri(), Json.bytes(body(n))));
  }

  ObjectNode body(Notification n) {
    Message m = renderer.render(n);
    ObjectNode root = Json.object();
    root.put("text", Json.cut("*" + m.subject().strip() + "*\n" + m.body(), MAX_TEXT));
    return root;
  }

  @Override
  public String toString() {
    return "SlackChannel[" + id + "]";
  }
}
