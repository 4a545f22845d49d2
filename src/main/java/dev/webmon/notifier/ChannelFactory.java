package dev.webmon.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.webmon.WebmonException;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.PolicedHttp;
import dev.webmon.config.Secret;
import dev.webmon.event.IncidentEvent;
import java.io.Serial;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import javax.net.ssl.SSLContext;

/**
 * Builds a channel from its {@code notify_channel} row: its type, id, {@code settings} (shown by
 * the API), {@code secrets} (never shown) and {@code templates} ({@code {subject?, body?}}). The
 * keys of each type (secret or not, required or not, defaults) are in docs/notifications.md,
 * "Channel settings", which {@code ChannelFieldsTest} checks against the web's list. Used by the notifier's
 * workers and by the web (to validate a channel when it is saved and to send a test). Bad
 * settings or templates throw {@link InvalidChannelException} naming the field, never its value.
 * Thread-safe.
 */
public final class ChannelFactory {
  /** The channel types by their wire name ({@code webhook}, {@code slack}, …). */
  public static final Set<String> TYPES =
      Set.of("webhook", "slack", "teams", "discord", "pagerduty", "opsgenie", "telegram", "ntfy", "email");

  /** Per type, which keys belong in {@code secrets} (all others in {@code settings}). */
  public static final Map<String, Set<String>> SECRET_KEYS =
      Map.of(
          "webhook", Set.of("url", "secret"),
          "slack", Set.of("url"),
          "teams", Set.of("url"),
          "discord", Set.of("url"),
          "pagerduty", Set.of("routingKey"),
          "opsgenie", Set.of("apiKey"),
          "telegram", Set.of("botToken"),
          "ntfy", Set.of("topic", "accessToken"),
          "email", Set.of("password"));

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final Clock clock;
  private final PolicedHttp addresses;
  private final HttpDelivery http;
  private final SSLContext tls;
  private final Templates templates = new Templates();

  /** @param policy {@code check.allowed-networks}: where channels may send */
  public ChannelFactory(AddressPolicy policy, Clock clock) {
    this(policy, clock, defaultContext());
  }

  ChannelFactory(AddressPolicy policy, Clock clock, SSLContext tls) {
    this.clock = clock;
    this.tls = tls;
    this.addresses = new PolicedHttp(policy, CONNECT_TIMEOUT, tls);
    this.http = new HttpDelivery(addresses, REQUEST_TIMEOUT, clock);
  }

  private static SSLContext defaultContext() {
    try {
      return SSLContext.getDefault();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  /** A channel built from its row; {@link #sendTest} sends a sample notification now. */
  public interface Built {
    String id();

    /** The wire name of the type. */
    String type();

    /**
     * Sends a sample OPENED notification (dedup key {@code test:<uuid>:<id>}) and returns what the
     * receiver answered.
     */
    Outcome sendTest(URI webBaseUrl);
  }

  /**
   * What one attempt came to, for the API and the delivery log.
   *
   * @param outcome {@code delivered}, {@code retry} or {@code failed} (notification_attempt.outcome)
   * @param httpStatus the HTTP status, when the receiver answered over HTTP
   * @param smtpReply the SMTP reply ({@code "250 OK"}), when it answered over SMTP
   * @param retryAfter how long the receiver asked to wait, if it did
   */
  public record Outcome(
      String outcome,
      OptionalInt httpStatus,
      Optional<String> smtpReply,
      Duration latency,
      String detail,
      Optional<Duration> retryAfter) {
    static Outcome of(Delivery d) {
      String outcome =
          switch (d) {
            case Delivery.Delivered x -> "delivered";
            case Delivery.Retryable x -> "retry";
            case Delivery.Failed x -> "failed";
          };
      OptionalInt status =
          d.reply().filter(r -> r.protocol() == Delivery.Protocol.HTTP)
              .map(r -> OptionalInt.of(r.code())).orElse(OptionalInt.empty());
      Optional<String> smtp =
          d.reply().filter(r -> r.protocol() == Delivery.Protocol.SMTP).map(r -> r.code() + " " + r.text());
      Optional<Duration> after = d instanceof Delivery.Retryable r ? r.retryAfter() : Optional.empty();
      return new Outcome(outcome, status, smtp, d.latency(), d.detail(), after);
    }
  }

  /** A channel setting or template that cannot work; {@link #field()} names it. */
  public static final class InvalidChannelException extends WebmonException {
    @Serial private static final long serialVersionUID = 1L;
    private final String field;

    InvalidChannelException(String field, String message, Throwable cause) {
      super(message, cause);
      this.field = field;
    }

    /** e.g. {@code url}, {@code secret}, {@code templates.body}, {@code type}. */
    public String field() {
      return field;
    }
  }

  /**
   * Checks and builds a channel.
   *
   * @throws InvalidChannelException for an unknown type, a missing or bad setting or a template
   *     that does not compile or render (the message names the field and, for templates, Pebble's
   *     error)
   */
  public Built fromRow(String type, String id, JsonNode settings, JsonNode secrets, JsonNode templateOverrides) {
    Channel c = channel(type, id, settings, secrets, templateOverrides, true);
    return new BuiltChannel(c);
  }

  /** The channel for the workers: templates that no longer compile fall back to the defaults. */
  Channel channel(String type, String id, JsonNode settings, JsonNode secrets, JsonNode templateOverrides) {
    return channel(type, id, settings, secrets, templateOverrides, false);
  }

  private Channel channel(
      String type, String id, JsonNode settings, JsonNode secrets, JsonNode overrides, boolean validateTemplates) {
    ChannelType t = typeOf(type);
    MessageTemplate mt = messageTemplate(overrides);
    if (validateTemplates) {
      try {
        mt.subject().ifPresent(s -> templates.validate(t, "subject", s));
        mt.body().ifPresent(s -> templates.validate(t, "body", s));
      } catch (TemplateException e) {
        throw new InvalidChannelException("templates." + e.field(), e.getMessage(), e);
      }
    }
    Templates.Renderer r = templates.renderer(t, id, mt);
    Fields f = new Fields(settings, secrets);
    try {
      return switch (t) {
        case WEBHOOK ->
            new WebhookChannel(id, new WebhookChannel.Settings(f.secretUrl("url"), f.secret("secret")), r, http);
        case SLACK -> new SlackChannel(id, new SlackChannel.Settings(f.secretUrl("url")), r, http);
        case TEAMS -> new TeamsChannel(id, new TeamsChannel.Settings(f.secretUrl("url")), r, http);
        case DISCORD -> new DiscordChannel(id, new DiscordChannel.Settings(f.secretUrl("url")), r, http);
        case PAGERDUTY -> {
          URI url = f.uri("eventsUrl").orElse(
              switch (f.text("region").orElse("us").toLowerCase(Locale.ROOT)) {
                case "us" -> PagerDutyChannel.US;
                case "eu" -> PagerDutyChannel.EU;
                default -> throw new InvalidSettingException("region", "must be us or eu");
              });
          yield new PagerDutyChannel(id, new PagerDutyChannel.Settings(url, f.secret("routingKey")), r, http);
        }
        case OPSGENIE -> {
          URI url = f.uri("apiUrl").orElse(
              switch (f.text("region").orElse("us").toLowerCase(Locale.ROOT)) {
                case "us" -> OpsgenieChannel.Region.US.apiUrl;
                case "eu" -> OpsgenieChannel.Region.EU.apiUrl;
                default -> throw new InvalidSettingException("region", "must be us or eu");
              });
          yield new OpsgenieChannel(id, new OpsgenieChannel.Settings(url, f.secret("apiKey")), r, http);
        }
        case TELEGRAM ->
            new TelegramChannel(
                id,
                new TelegramChannel.Settings(
                    f.uri("apiUrl").orElse(TelegramChannel.API), f.secret("botToken"), f.required("chatId")),
                r,
                http);
        case NTFY ->
            new NtfyChannel(
                id,
                new NtfyChannel.Settings(
                    f.uri("serverUrl").orElse(NtfyChannel.NTFY_SH), f.secret("topic"), f.optionalSecret("accessToken")),
                r,
                http);
        case EMAIL -> {
          EmailChannel.Tls mode = emailTls(f.text("tls").orElse("starttls"));
          yield new EmailChannel(
              id,
              new EmailChannel.Settings(
                  f.required("host"),
                  f.port("port", mode.defaultPort),
                  mode,
                  f.text("username").orElse(""),
                  f.optionalSecret("password").orElse(new Secret("")),
                  f.required("from"),
                  f.list("to")),
              r,
              addresses,
              REQUEST_TIMEOUT,
              tls,
              clock);
        }
      };
    } catch (InvalidSettingException e) {
      throw new InvalidChannelException(e.field(), e.getMessage(), e);
    }
  }

  /**
   * The SMTP port an email channel uses when its settings give none: 465 for {@code tls: implicit}
   * (any case), else 587. For the web's address check, which runs before the settings are validated.
   */
  public static int defaultSmtpPort(String tls) {
    return tls.equalsIgnoreCase("implicit") ? EmailChannel.Tls.IMPLICIT.defaultPort : EmailChannel.Tls.STARTTLS.defaultPort;
  }

  private static EmailChannel.Tls emailTls(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "starttls" -> EmailChannel.Tls.STARTTLS;
      case "implicit" -> EmailChannel.Tls.IMPLICIT;
      default -> throw new InvalidSettingException("tls", "must be starttls or implicit");
    };
  }

  static ChannelType typeOf(String type) {
    if (!TYPES.contains(type)) {
      throw new InvalidChannelException("type", "type must be one of " + List.copyOf(new TreeSet<>(TYPES)), null);
    }
    return ChannelType.valueOf(type.toUpperCase(Locale.ROOT));
  }

  static MessageTemplate messageTemplate(JsonNode overrides) {
    return new MessageTemplate(textOf(overrides, "subject"), textOf(overrides, "body"));
  }

  private static Optional<String> textOf(JsonNode node, String key) {
    JsonNode v = node == null ? null : node.get(key);
    return v == null || v.isNull() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
  }

  /** Reads a channel's keys from settings or secrets, whichever holds them. */
  private record Fields(JsonNode settings, JsonNode secrets) {
    private JsonNode get(String key) {
      JsonNode v = secrets == null ? null : secrets.get(key);
      if (v == null || v.isNull()) {
        v = settings == null ? null : settings.get(key);
      }
      return v == null || v.isNull() ? null : v;
    }

    Optional<String> text(String key) {
      JsonNode v = get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        throw new InvalidSettingException(key, "must be a string");
      }
      return v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }

    String required(String key) {
      return text(key).orElseThrow(() -> new InvalidSettingException(key, "is required"));
    }

    Secret secret(String key) {
      return new Secret(required(key));
    }

    Optional<Secret> optionalSecret(String key) {
      return text(key).map(Secret::new);
    }

    SecretUrl secretUrl(String key) {
      try {
        return SecretUrl.of(required(key));
      } catch (InvalidSettingException e) {
        throw new InvalidSettingException(key, "must be an absolute http or https URL with a host and no user info");
      }
    }

    Optional<URI> uri(String key) {
      Optional<String> t = text(key);
      if (t.isEmpty()) {
        return Optional.empty();
      }
      try {
        URI u = new URI(t.get());
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
          throw new InvalidSettingException(key, "must be an absolute http or https URL");
        }
        return Optional.of(u);
      } catch (URISyntaxException e) {
        throw new InvalidSettingException(key, "must be an absolute http or https URL");
      }
    }

    int port(String key, int defaultPort) {
      JsonNode v = get(key);
      if (v == null) {
        return defaultPort;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber()) {
        throw new InvalidSettingException(key, "must be a whole number");
      }
      return v.asInt();
    }

    List<String> list(String key) {
      JsonNode v = get(key);
      if (v == null) {
        throw new InvalidSettingException(key, "is required");
      }
      List<String> out = new ArrayList<>();
      if (v.isTextual()) {
        out.add(v.asText());
      } else if (v.isArray()) {
        for (JsonNode e : v) {
          if (!e.isTextual()) {
            throw new InvalidSettingException(key, "must be a list of strings");
          }
          out.add(e.asText());
        }
      } else {
        throw new InvalidSettingException(key, "must be a list of strings");
      }
      return out;
    }
  }

  private record BuiltChannel(Channel channel) implements Built {
    @Override
    public String id() {
      return channel.id();
    }

    @Override
    public String type() {
      return channel.type().name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Outcome sendTest(URI webBaseUrl) {
      Notification sample = Templates.SAMPLES.get(0);
      Notification n =
          new Notification(
              new Notification.Target("webmon-test", "webmon test notification", Optional.empty()),
              sample.incident(),
              sample.locations(),
              sample.failingResultIds(),
              Notification.of(sampleEvent(), webBaseUrl, channel.id()).links(),
              channel.id(),
              "test:" + UUID.randomUUID() + ":" + channel.id());
      return Outcome.of(channel.send(n));
    }

    private static IncidentEvent sampleEvent() {
      Notification.Incident i = Templates.SAMPLES.get(0).incident();
      return new IncidentEvent(i.id(), "webmon-test", "webmon test notification", i.seq(), i.kind(),
          i.severity(), i.at(), i.openedAt(), List.of(), i.id(), i.quorum(), i.reporting(), i.policy(),
          Optional.empty(), Optional.empty());
    }

    @Override
    public String toString() {
      return channel.toString();
    }
  }
}
