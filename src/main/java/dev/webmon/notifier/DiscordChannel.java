package dev.webmon.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Discord "Execute Webhook": {@code POST /api/webhooks/{id}/{token}?wait=true} (wait: Discord
 * answers 200 only once the message is saved, instead of 204 whatever happens) with one embed
 * (title ≤ 256, description ≤ 4096 characters, url, color, timestamp) and {@code
 * "allowed_mentions":{"parse":[]}}, so a target name cannot ping {@code @everyone}. A 429 carries
 * {@code Retry-After} and a JSON {@code retry_after} in seconds.
 * Format: https://discord.com/developers/docs/resources/webhook#execute-webhook ;
 * embeds: https://discord.com/developers/docs/resources/message#embed-object ;
 * rate limits: https://discord.com/developers/docs/topics/rate-limits
 */
final class DiscordChannel implements Channel {
  /** @param webhookUrl {@code https://discord.com/api/webhooks/<id>/<token>} (a secret) */
  record Settings(SecretUrl webhookUrl) {}

  static final int RED = 0xE74C3C;
  static final int ORANGE = 0xE67E22;
  static final int YELLOW = 0xF1C40F;
  static final int GREEN = 0x2ECC71;

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  DiscordChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.DISCORD;
  }

  @Override
  public Delivery send(Notification n) {
    URI base = settings.webhookUrl().uri();
    URI url = URI.create(base + (base.getRawQuery() == null ? "?" : "&") + "wait=true");
    return http.send(HttpDelivery.Request.postJson(url, Json.bytes(body(n))), DiscordChannel::retryAfter);
  }

  ObjectNode body(Notification n) {
    Message m = renderer.render(n);
    ObjectNode root = Json.object();
    ObjectNode embed = root.putArray("embeds").addObject();
    embed.put("title", Json.cut(m.subject().strip(), 256));
    embed.put("description", Json.cut(m.body(), 4096));
    embed.put("url", n.links().incident().toString());
    embed.put("color", color(n));
    embed.put("timestamp", n.incident().at().toString());
    root.putObject("allowed_mentions").putArray("parse");
    return root;
  }

  static int color(Notification n) {
    if (n.incident().kind() == IncidentEvent.Kind.RESOLVED) {
      return GREEN;
    }
    if (n.incident().kind() == IncidentEvent.Kind.ACKNOWLEDGED) {
      return YELLOW;
    }
    return n.incident().severity() == IncidentSeverity.DOWN ? RED : ORANGE;
  }

  static Optional<Duration> retryAfter(HttpDelivery.Response r) {
    try {
      JsonNode after = Json.MAPPER.readTree(r.body()).path("retry_after");
      return after.isNumber() ? RetryAfter.ofSeconds(after.asDouble()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "DiscordChannel[" + id + "]";
  }
}
