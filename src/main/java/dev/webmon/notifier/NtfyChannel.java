package dev.webmon.notifier;

import dev.webmon.config.Secret;
import dev.webmon.event.IncidentSeverity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ntfy: {@code POST <server>/<topic>} with the message as the plain-text body and the headers
 * {@code Title}, {@code Priority} (1–5), {@code Tags} (comma-separated; known names show as
 * emojis), {@code Click} (the incident's page) and, for a protected topic, {@code Authorization:
 * Bearer <access token>}. Header values that are not ASCII are sent as RFC 2047 encoded-words
 * ({@code =?UTF-8?B?…?=}), which ntfy decodes. ntfy answers 200 with the message as JSON.
 * Format: https://docs.ntfy.sh/publish/ (sections "Message title", "Message priority", "Tags &
 * emojis", "Click action", "Access tokens"); emoji names: https://docs.ntfy.sh/emojis/
 */
final class NtfyChannel implements Channel {
  static final URI NTFY_SH = URI.create("https://ntfy.sh");
  private static final Pattern TOPIC = Pattern.compile("[-_A-Za-z0-9]{1,64}");

  /**
   * @param topic a secret on a public server (anyone who knows it can read it)
   * @param accessToken for a protected topic
   */
  record Settings(URI serverUrl, Secret topic, Optional<Secret> accessToken) {
    Settings {
      if (!TOPIC.matcher(topic.reveal()).matches()) {
        throw new InvalidSettingException("topic", "must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
      }
    }
  }

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  NtfyChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.NTFY;
  }

  @Override
  public Delivery send(Notification n) {
    Message m = renderer.render(n);
    String base = settings.serverUrl().toString().replaceAll("/+$", "");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", "text/plain; charset=utf-8");
    headers.put("Title", headerValue(m.subject().strip()));
    headers.put("Priority", Integer.toString(priority(n)));
    headers.put("Tags", tags(n));
    headers.put("Click", n.links().incident().toString());
    settings.accessToken().ifPresent(t -> headers.put("Authorization", "Bearer " + t.reveal()));
    URI url = URI.create(base + "/" + settings.topic().reveal());
    return http.send(new HttpDelivery.Request("POST", url, headers, m.body().getBytes(StandardCharsets.UTF_8)));
  }

  /** ASCII as it is; anything else as one RFC 2047 "B" encoded-word. Never CR or LF. */
  static String headerValue(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
    if (oneLine.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
      return oneLine;
    }
    return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(oneLine.getBytes(StandardCharsets.UTF_8)) + "?=";
  }

  /** 5 = max for down, 4 = high for degraded and no data, 3 = default, 2 = low for an ack. */
  static int priority(Notification n) {
    return switch (n.incident().kind()) {
      case ACKNOWLEDGED -> 2;
      case RESOLVED -> 3;
      case OPENED, UPDATED ->
          switch (n.incident().severity()) {
            case DOWN -> 5;
            case DEGRADED, NO_DATA -> 4;
            case FLAPPING, CERTIFICATE -> 3;
          };
    };
  }

  static String tags(Notification n) {
    String emoji =
        switch (n.incident().kind()) {
          case ACKNOWLEDGED -> "eyes";
          case RESOLVED -> "white_check_mark";
          case OPENED, UPDATED -> n.incident().severity() == IncidentSeverity.DOWN
              ? "rotating_light" : "warning";
        };
    return emoji + "," + n.incident().severity().wireName();
  }

  @Override
  public String toString() {
    return "NtfyChannel[" + id + ", " + settings.serverUrl().getHost() + "]";
  }
}
