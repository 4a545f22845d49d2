package dev.webmon.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.config.Secret;
import dev.webmon.event.IncidentEvent;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Opsgenie Alert API with {@code Authorization: GenieKey <key>} (an API integration's key): OPENED
 * creates an alert ({@code POST /v2/alerts} with message ≤ 130, alias = the incident id,
 * description, tags, details, entity, source, priority), UPDATED adds a note ({@code POST
 * /v2/alerts/{alias}/notes?identifierType=alias}), ACKNOWLEDGED acknowledges ({@code
 * .../acknowledge?identifierType=alias}) and RESOLVED closes ({@code .../close?identifierType=alias})
 * with {user, source, note}. Opsgenie answers 202 (processed asynchronously); US accounts use
 * {@code https://api.opsgenie.com}, EU accounts {@code https://api.eu.opsgenie.com}.
 * Format: https://docs.opsgenie.com/docs/alert-api (Create Alert, Acknowledge Alert, Close Alert,
 * Add Note to Alert); authentication: https://docs.opsgenie.com/docs/authentication
 */
final class OpsgenieChannel implements Channel {
  /** Where the account lives. */
  enum Region {
    US("https://api.opsgenie.com"),
    EU("https://api.eu.opsgenie.com");

    final URI apiUrl;

    Region(String url) {
      this.apiUrl = URI.create(url);
    }
  }

  /** @param apiUrl the region's API URL (tests: a local server) */
  record Settings(URI apiUrl, Secret apiKey) {
    Settings {
      if (apiKey.reveal().isBlank()) {
        throw new InvalidSettingException("apiKey", "must not be empty");
      }
    }

    static Settings of(Region region, Secret apiKey) {
      return new Settings(region.apiUrl, apiKey);
    }
  }

  static final String SOURCE = "webmon";

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  OpsgenieChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.OPSGENIE;
  }

  @Override
  public Delivery send(Notification n) {
    HttpDelivery.Request r =
        HttpDelivery.Request.postJson(url(n), Json.bytes(body(n)))
            .withHeader("Authorization", "GenieKey " + settings.apiKey().reveal());
    return http.send(r);
  }

  URI url(Notification n) {
    String base = settings.apiUrl().toString().replaceAll("/+$", "");
    String alias = URLEncoder.encode(n.incident().id().toString(), StandardCharsets.UTF_8);
    return URI.create(
        switch (n.incident().kind()) {
          case OPENED -> base + "/v2/alerts";
          case UPDATED -> base + "/v2/alerts/" + alias + "/notes?identifierType=alias";
          case ACKNOWLEDGED -> base + "/v2/alerts/" + alias + "/acknowledge?identifierType=alias";
          case RESOLVED -> base + "/v2/alerts/" + alias + "/close?identifierType=alias";
        });
  }

  ObjectNode body(Notification n) {
    Message m = renderer.render(n);
    ObjectNode root = Json.object();
    if (n.incident().kind() == IncidentEvent.Kind.OPENED) {
      root.put("message", Json.cut(m.subject().strip(), 130));
      root.put("alias", n.incident().id().toString());
      root.put("description", Json.cut(m.body(), 15_000));
      root.putArray("tags").add("webmon").add(n.incident().severity().wireName());
      ObjectNode details = root.putObject("details");
      details.put("targetId", n.target().id());
      n.target().url().ifPresent(u -> details.put("targetUrl", u.toString()));
      details.put("incident", n.links().incident().toString());
      details.put("seq", Long.toString(n.incident().seq()));
      root.put("entity", Json.cut(n.target().name(), 512));
      root.put("source", SOURCE);
      root.put("priority", priority(n));
      return root;
    }
    String user =
        n.incident().kind() == IncidentEvent.Kind.ACKNOWLEDGED
            ? n.incident().acknowledgement().map(a -> a.by()).orElse(SOURCE)
            : SOURCE;
    root.put("user", Json.cut(user, 100));
    root.put("source", SOURCE);
    root.put("note", Json.cut(m.body(), 25_000));
    return root;
  }

  static String priority(Notification n) {
    return switch (n.incident().severity()) {
      case DOWN -> "P1";
      case NO_DATA -> "P2";
      case DEGRADED, FLAPPING -> "P3";
      case CERTIFICATE -> "P4";
    };
  }

  @Override
  public String toString() {
    return "OpsgenieChannel[" + id + ", " + settings.apiUrl().getHost() + "]";
  }
}
