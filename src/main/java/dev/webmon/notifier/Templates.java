package dev.webmon.notifier;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Reason;
import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.error.PebbleException;
import io.pebbletemplates.pebble.loader.StringLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' subject and body templates (Pebble, over {@link Notification#templateModel()}). {@link
 * #validate} refuses a template that does not compile or does not render for sample OPENED,
 * ACKNOWLEDGED and RESOLVED notifications, with Pebble's error; {@link #renderer} compiles a
 * channel's templates once, and its {@link Renderer#render} falls back to {@link DefaultMessages}
 * whenever a template fails or renders blank, so a message is never empty.
 *
 * <p>Escaping suits where the text lands: Slack's mrkdwn control characters ({@code & < >}) are
 * escaped in every {@code {{ value }}}; for the other types values are inserted as they are (the
 * JSON bodies are built with Jackson, which does the JSON escaping). Output is capped at {@link
 * #MAX_RENDERED} characters. Thread-safe.
 */
final class Templates {
  static final int MAX_RENDERED = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(Templates.class);

  private final PebbleEngine plain = engine(false);
  private final PebbleEngine slack = engine(true);

  private static PebbleEngine engine(boolean slackEscaping) {
    PebbleEngine.Builder b =
        new PebbleEngine.Builder()
            .loader(new StringLoader())
            .cacheActive(false)
            .strictVariables(false)
            .newLineTrimming(true)
            .maxRenderedSize(MAX_RENDERED)
            .defaultLocale(Locale.ROOT);
    if (slackEscaping) {
      b.addEscapingStrategy("slack", DefaultMessages::slackEscape)
          .autoEscaping(true)
          .defaultEscapingStrategy("slack");
    } else {
      b.autoEscaping(false);
    }
    return b.build();
  }

  private PebbleEngine engineFor(ChannelType type) {
    return type == ChannelType.SLACK ? slack : plain;
  }

  /**
   * Checks {@code source} as the {@code field} ({@code subject} or {@code body}) template of a
   * channel of {@code type}.
   *
   * @throws TemplateException with Pebble's error (and its line) when it does not compile or
   *     render, or renders blank
   */
  void validate(ChannelType type, String field, String source) {
    PebbleTemplate t = compile(type, field, source);
    for (Notification sample : SAMPLES) {
      String out = evaluate(t, field, sample);
      if (out.isBlank()) {
        throw new TemplateException(
            field, "renders empty for a " + sample.incident().kind() + " notification", null);
      }
    }
  }

  private PebbleTemplate compile(ChannelType type, String field, String source) {
    if (source.isBlank()) {
      throw new TemplateException(field, "is empty", null);
    }
    try {
      return engineFor(type).getTemplate(source);
    } catch (PebbleException e) {
      throw new TemplateException(field, describe(e), e);
    }
  }

  /** Pebble's message and line, without the template name (which, for a string template, is the whole text). */
  static String describe(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PebbleException p) {
        return p.getPebbleMessage() + (p.getLineNumber() == null ? "" : " (line " + p.getLineNumber() + ")");
      }
    }
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String evaluate(PebbleTemplate t, String field, Notification n) {
    StringWriter out = new StringWriter();
    try {
      t.evaluate(out, n.templateModel(), Locale.ROOT);
    } catch (IOException | RuntimeException e) {
      throw new TemplateException(field, describe(e), e);
    }
    return out.toString();
  }

  /**
   * The renderer of one channel. A template that does not compile (it was valid when saved, but
   * e.g. Pebble changed) is logged once and replaced by the default.
   */
  Renderer renderer(ChannelType type, String channelId, MessageTemplate overrides) {
    return new Renderer(
        type,
        channelId,
        overrides.subject().flatMap(s -> tryCompile(type, channelId, "subject", s)),
        overrides.body().flatMap(s -> tryCompile(type, channelId, "body", s)));
  }

  private Optional<PebbleTemplate> tryCompile(ChannelType type, String channelId, String field, String source) {
    try {
      return Optional.of(compile(type, field, source));
    } catch (TemplateException e) {
      LOG.warn("channel {}: {} template does not compile, using the default: {}", channelId, field, e.getMessage());
      return Optional.empty();
    }
  }

  /** Renders one channel's messages. Thread-safe. */
  static final class Renderer {
    private final ChannelType type;
    private final String channelId;
    private final Optional<PebbleTemplate> subject;
    private final Optional<PebbleTemplate> body;

    private Renderer(
        ChannelType type, String channelId, Optional<PebbleTemplate> subject, Optional<PebbleTemplate> body) {
      this.type = type;
      this.channelId = channelId;
      this.subject = subject;
      this.body = body;
    }

    /** The channel type's default messages only. */
    static Renderer defaults(ChannelType type, String channelId) {
      return new Renderer(type, channelId, Optional.empty(), Optional.empty());
    }

    /** Never blank: each part falls back to the default on any failure. */
    Message render(Notification n) {
      Message fallback = DefaultMessages.of(type, n);
      return new Message(
          part(subject, "subject", n).orElse(fallback.subject()),
          part(body, "body", n).orElse(fallback.body()));
    }

    private Optional<String> part(Optional<PebbleTemplate> t, String field, Notification n) {
      if (t.isEmpty()) {
        return Optional.empty();
      }
      try {
        String out = evaluate(t.get(), field, n);
        if (out.isBlank()) {
          LOG.warn("channel {}: {} template rendered empty for incident {}, using the default",
              channelId, field, n.incident().id());
          return Optional.empty();
        }
        return Optional.of(out);
      } catch (TemplateException e) {
        LOG.warn("channel {}: {} template failed for incident {}, using the default: {}",
            channelId, field, n.incident().id(), e.getMessage());
        return Optional.empty();
      }
    }
  }

  /** OPENED (two locations down), ACKNOWLEDGED with a note, RESOLVED: what validation renders. */
  static final List<Notification> SAMPLES = samples();

  private static List<Notification> samples() {
    UUID id = UUID.fromString("00000000-0000-4000-8000-000000000001");
    UUID cause = UUID.fromString("00000000-0000-4000-8000-000000000002");
    Instant opened = Instant.parse("2026-03-01T12:00:00Z");
    List<LocationStatus> down =
        List.of(
            new LocationStatus("eu-west", LocationStatus.State.DOWN, Optional.of(Reason.TIMEOUT), Optional.of(cause)),
            new LocationStatus("us-east", LocationStatus.State.DOWN, Optional.of(Reason.CONNECT), Optional.empty()));
    IncidentEvent.Acknowledgement ack =
        new IncidentEvent.Acknowledgement("alice", Optional.of("looking"), opened.plusSeconds(60));
    URI web = URI.create("https://webmon.example.com");
    URI target = URI.create("https://example.com/");
    return List.of(
        Notification.of(event(id, 1, IncidentEvent.Kind.OPENED, opened, down, cause, Optional.empty()), web, "sample")
            .withTargetUrl(target),
        Notification.of(event(id, 2, IncidentEvent.Kind.ACKNOWLEDGED, opened.plusSeconds(60), down, cause,
            Optional.of(ack)), web, "sample").withTargetUrl(target),
        Notification.of(event(id, 3, IncidentEvent.Kind.RESOLVED, opened.plusSeconds(600), List.of(), cause,
            Optional.of(ack)), web, "sample").withTargetUrl(target));
  }

  private static IncidentEvent event(UUID id, long seq, IncidentEvent.Kind kind, Instant at,
      List<LocationStatus> locations, UUID cause, Optional<IncidentEvent.Acknowledgement> ack) {
    return new IncidentEvent(id, "sample", "Sample target", seq, kind, IncidentSeverity.DOWN, at,
        Instant.parse("2026-03-01T12:00:00Z"), locations, cause, 2, 3, "default", ack, Optional.empty());
  }
}
