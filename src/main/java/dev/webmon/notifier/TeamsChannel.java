package dev.webmon.notifier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Microsoft Teams through a Workflows ("Post to a channel when a webhook request is received")
 * webhook, which accepts Adaptive Cards only: {@code POST <workflow URL>} with {@code
 * {"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
 * "contentUrl":null,"content":{AdaptiveCard}}]}}; the workflow answers 202 Accepted.
 * Format: https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using
 * (section "Send Adaptive Cards using an Incoming Webhook"); card schema:
 * https://adaptivecards.io/explorer/AdaptiveCard.html (version 1.4, TextBlock, Action.OpenUrl).
 */
final class TeamsChannel implements Channel {
  /** @param workflowUrl the workflow's HTTP trigger URL (a secret: its {@code sig} authorises) */
  record Settings(SecretUrl workflowUrl) {}

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  TeamsChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.TEAMS;
  }

  @Override
  public Delivery send(Notification n) {
    return http.send(HttpDelivery.Request.postJson(settings.workflowUrl().uri(), Json.bytes(body(n))));
  }

  ObjectNode body(Notification n) {
    Message m = renderer.render(n);
    ObjectNode root = Json.object();
    root.put("type", "message");
    ObjectNode attachment = root.putArray("attachments").addObject();
    attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
    attachment.putNull("contentUrl");
    ObjectNode card = attachment.putObject("content");
    card.put("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
    card.put("type", "AdaptiveCard");
    card.put("version", "1.4");
    ArrayNode body = card.putArray("body");
    ObjectNode title = body.addObject();
    title.put("type", "TextBlock");
    title.put("text", m.subject());
    title.put("weight", "Bolder");
    title.put("size", "Medium");
    title.put("wrap", true);
    ObjectNode text = body.addObject();
    text.put("type", "TextBlock");
    text.put("text", m.body());
    text.put("wrap", true);
    ObjectNode open = card.putArray("actions").addObject();
    open.put("type", "Action.OpenUrl");
    open.put("title", "Open incident");
    open.put("url", n.links().incident().toString());
    return root;
  }

  @Override
  public String toString() {
    return "TeamsChannel[" + id + "]";
  }
}
