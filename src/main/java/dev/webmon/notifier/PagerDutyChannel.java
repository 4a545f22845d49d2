package dev.webmon.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.config.Secret;
import java.net.URI;

/**
 * PagerDuty Events API v2: {@code POST https://events.pagerduty.com/v2/enqueue} (EU accounts:
 * {@code events.eu.pagerduty.com}) with {@code routing_key}, {@code event_action} ({@code trigger}
 * for OPENED and UPDATED, {@code acknowledge}, {@code resolve}) and {@code dedup_key} = the
 * incident id, so every transition of one incident acts on one PagerDuty alert; a trigger carries
 * {@code payload} (summary ≤ 1024, source, severity critical/error/warning/info, timestamp,
 * component, class, custom_details), {@code client}, {@code client_url} and {@code links}.
 * PagerDuty answers 202; 400 is an invalid event (not retried), 429 and 5xx are retried.
 * Format: https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ and
 * https://developer.pagerduty.com/docs/events-api-v2/acknowledge-events/ ,
 * https://developer.pagerduty.com/docs/events-api-v2/resolve-events/ ; schema and response codes:
 * https://github.com/PagerDuty/api-schema/blob/main/reference/events-v2/openapiv3.json
 */
final class PagerDutyChannel implements Channel {
  static final URI US = URI.create("https://events.pagerduty.com/v2/enqueue");
  static final URI EU = URI.create("https://events.eu.pagerduty.com/v2/enqueue");

  /** @param routingKey the integration key of an "Events API v2" integration (a secret) */
  record Settings(URI eventsUrl, Secret routingKey) {
    Settings {
      if (routingKey.reveal().isBlank()) {
        throw new InvalidSettingException("routingKey", "must not be empty");
      }
    }
  }

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  PagerDutyChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.PAGERDUTY;
  }

  @Override
  public Delivery send(Notification n) {
    return http.send(HttpDelivery.Request.postJson(settings.eventsUrl(), Json.bytes(body(n))));
  }

  ObjectNode body(Notification n) {
    ObjectNode root = Json.object();
    root.put("routing_key", settings.routingKey().reveal());
    String action =
        switch (n.incident().kind()) {
          case OPENED, UPDATED -> "trigger";
          case ACKNOWLEDGED -> "acknowledge";
          case RESOLVED -> "resolve";
        };
    root.put("event_action", action);
    root.put("dedup_key", n.incident().id().toString());
    if (!action.equals("trigger")) {
      return root;
    }
    Message m = renderer.render(n);
    ObjectNode payload = root.putObject("payload");
    payload.put("summary", Json.cut(m.subject().strip(), 1024));
    payload.put("source", n.target().url().map(URI::getHost).orElse(n.target().id()));
    payload.put("severity", severity(n));
    payload.put("timestamp", n.incident().at().toString());
    payload.put("component", n.target().id());
    payload.put("class", n.incident().severity().wireName());
    ObjectNode details = payload.putObject("custom_details");
    details.put("message", m.body());
    details.put("seq", n.incident().seq());
    details.put("openedAt", n.incident().openedAt().toString());
    details.set("locations", Json.MAPPER.valueToTree(n.locations().stream().map(Notification::locationMap).toList()));
    root.put("client", "webmon");
    root.put("client_url", n.links().incident().toString());
    ObjectNode link = root.putArray("links").addObject();
    link.put("href", n.links().incident().toString());
    link.put("text", "Incident in webmon");
    return root;
  }

  static String severity(Notification n) {
    return switch (n.incident().severity()) {
      case DOWN -> "critical";
      case NO_DATA -> "error";
      case DEGRADED, FLAPPING, CERTIFICATE -> "warning";
    };
  }

  @Override
  public String toString() {
    return "PagerDutyChannel[" + id + ", " + settings.eventsUrl().getHost() + "]";
  }
}
