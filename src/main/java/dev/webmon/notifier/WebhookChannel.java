package dev.webmon.notifier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The generic webhook: a POST of webmon's own versioned JSON body (docs/notifications.md,
 * "Webhook body"), signed with {@code X-Webmon-Signature: sha256=<hex HMAC-SHA256 of the body>}
 * under the channel's secret, with {@code Idempotency-Key: <dedup key>} so that a receiver can
 * drop redeliveries. The Idempotency-Key header follows the IETF HTTP API draft
 * (https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/).
 */
final class WebhookChannel implements Channel {
  /** The body's schema version; a new optional field bumps the minor. */
  static final String VERSION = "1.0";

  /** @param secret the HMAC key, at least 16 characters */
  record Settings(SecretUrl url, Secret secret) {
    Settings {
      if (secret.reveal().length() < 16) {
        throw new InvalidSettingException("secret", "must have at least 16 characters");
      }
    }
  }

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  WebhookChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.WEBHOOK;
  }

  @Override
  public Delivery send(Notification n) {
    byte[] body = body(n);
    HttpDelivery.Request r =
        HttpDelivery.Request.postJson(settings.url().uri(), body)
            .withHeader("X-Webmon-Signature", "sha256=" + hmacHex(settings.secret(), body))
            .withHeader("Idempotency-Key", n.dedupKey());
    return http.send(r);
  }

  byte[] body(Notification n) {
    ObjectNode root = Json.object();
    root.put("v", VERSION);
    root.put("dedupKey", n.dedupKey());
    root.put("channelId", n.channelId());
    root.set("target", Json.MAPPER.valueToTree(n.targetMap()));
    root.set("incident", Json.MAPPER.valueToTree(n.incidentMap()));
    root.set("locations", Json.MAPPER.valueToTree(n.locations().stream().map(Notification::locationMap).toList()));
    root.set("failingResultIds", Json.MAPPER.valueToTree(n.failingResultIds().stream().map(Object::toString).toList()));
    ObjectNode links = root.putObject("links");
    links.put("web", n.links().web().toString());
    links.put("incident", n.links().incident().toString());
    Message m = renderer.render(n);
    ObjectNode message = root.putObject("message");
    message.put("subject", m.subject());
    message.put("body", m.body());
    return Json.bytes(root);
  }

  static String hmacHex(Secret key, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookChannel[" + id + ", " + settings.url() + "]";
  }
}
