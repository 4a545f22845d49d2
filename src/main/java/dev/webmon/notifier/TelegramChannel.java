package dev.webmon.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.webmon.config.Secret;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Telegram Bot API {@code sendMessage}: {@code POST https://api.telegram.org/bot<token>/sendMessage}
 * with JSON {@code {chat_id, text (1–4096 characters), link_preview_options:{is_disabled:true}}}
 * as plain text (no {@code parse_mode}, so nothing in a target name can break the formatting).
 * Telegram answers 200 {@code {"ok":true,…}}; errors are 4xx with {@code {"ok":false,
 * "error_code", "description"}}, and a 429 says how long to wait in {@code parameters.retry_after}.
 * Format: https://core.telegram.org/bots/api#sendmessage ; requests and errors:
 * https://core.telegram.org/bots/api#making-requests , https://core.telegram.org/bots/api#responseparameters
 */
final class TelegramChannel implements Channel {
  static final URI API = URI.create("https://api.telegram.org");
  static final int MAX_TEXT = 4096;
  private static final Pattern TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{20,100}");
  private static final Pattern CHAT = Pattern.compile("-?[0-9]{1,16}|@[A-Za-z0-9_]{5,32}");

  /**
   * @param botToken from @BotFather, {@code 123456:ABC…} (a secret: it is in the request path)
   * @param chatId a numeric chat id or {@code @channelusername}
   */
  record Settings(URI apiUrl, Secret botToken, String chatId) {
    Settings {
      if (!TOKEN.matcher(botToken.reveal()).matches()) {
        throw new InvalidSettingException("botToken", "must look like 123456:ABC… as @BotFather gives it");
      }
      if (!CHAT.matcher(chatId).matches()) {
        throw new InvalidSettingException("chatId", "must be a numeric chat id or @channelusername");
      }
    }
  }

  private final String id;
  private final Settings settings;
  private final Templates.Renderer renderer;
  private final HttpDelivery http;

  TelegramChannel(String id, Settings settings, Templates.Renderer renderer, HttpDelivery http) {
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
    return ChannelType.TELEGRAM;
  }

  @Override
  public Delivery send(Notification n) {
    String base = settings.apiUrl().toString().replaceAll("/+$", "");
    URI url = URI.create(base + "/bot" + settings.botToken().reveal() + "/sendMessage");
    return http.send(HttpDelivery.Request.postJson(url, Json.bytes(body(n))), TelegramChannel::retryAfter);
  }

  ObjectNode body(Notification n) {
    Message m = renderer.render(n);
    ObjectNode root = Json.object();
    if (settings.chatId().startsWith("@")) {
      root.put("chat_id", settings.chatId());
    } else {
      root.put("chat_id", Long.parseLong(settings.chatId()));
    }
    root.put("text", Json.cut(m.subject().strip() + "\n\n" + m.body(), MAX_TEXT));
    root.putObject("link_preview_options").put("is_disabled", true);
    return root;
  }

  static Optional<Duration> retryAfter(HttpDelivery.Response r) {
    try {
      JsonNode after = Json.MAPPER.readTree(r.body()).path("parameters").path("retry_after");
      return after.isNumber() ? RetryAfter.ofSeconds(after.asDouble()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public String toString() {
    return "TelegramChannel[" + id + ", chat " + settings.chatId() + "]";
  }
}
