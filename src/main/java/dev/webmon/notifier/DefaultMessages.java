package dev.webmon.notifier;

import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The message of every channel type when the user wrote no template, for OPENED, UPDATED,
 * ACKNOWLEDGED and RESOLVED. Written in Java rather than as templates so that it cannot fail:
 * it is what a broken template falls back to. Slack gets mrkdwn, Discord and Teams Markdown, the
 * others plain text; names and notes from users are escaped for the markup they land in.
 */
final class DefaultMessages {
  /** A moment as people read it in a message: {@code 2026-03-01 12:00:30 UTC} (the payload keeps ISO-8601). */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private DefaultMessages() {}

  static String time(Instant t) {
    return TIME.format(t);
  }

  /** How a channel type formats text. */
  enum Markup {
    PLAIN,
    SLACK,
    MARKDOWN;

    static Markup of(ChannelType type) {
      return switch (type) {
        case SLACK -> SLACK;
        case DISCORD, TEAMS -> MARKDOWN;
        default -> PLAIN;
      };
    }

    /** {@code text} so that the markup shows it as written. */
    String escape(String text) {
      return switch (this) {
        case PLAIN -> text;
        case SLACK -> slackEscape(text);
        case MARKDOWN -> text.replaceAll("([\\\\*_~`|\\[\\]>#])", "\\\\$1");
      };
    }

    String bold(String escaped) {
      return switch (this) {
        case PLAIN -> escaped;
        case SLACK -> "*" + escaped + "*";
        case MARKDOWN -> "**" + escaped + "**";
      };
    }

    String link(String url, String text) {
      return switch (this) {
        case PLAIN -> text + ": " + url;
        case SLACK -> "<" + slackEscape(url) + "|" + text + ">";
        case MARKDOWN -> "[" + text + "](" + url + ")";
      };
    }
  }

  /** Slack's mrkdwn control characters, as https://api.slack.com/reference/surfaces/formatting says. */
  static String slackEscape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static Message of(ChannelType type, Notification n) {
    if (n.followUp().isPresent()) {
      return followUp(type, n, n.followUp().get());
    }
    String subject = subject(n);
    return new Message(type == ChannelType.SLACK ? slackEscape(subject) : subject, body(Markup.of(type), n));
  }

  /** Plain text: a grouped message's, a give-up report's or a transition's subject. */
  static String subject(Notification n) {
    if (n.giveUp().isPresent()) {
      Notification.GiveUp g = n.giveUp().get();
      return "[GIVE UP] " + g.kind() + " of " + n.target().name() + " not delivered to " + g.channelId();
    }
    if (n.group().size() > 1) {
      StringBuilder s = new StringBuilder("[" + label(n.incident().severity()) + "] " + n.group().size() + " targets: ");
      for (int i = 0; i < n.group().size(); i++) {
        s.append(i == 0 ? "" : ", ").append(n.group().get(i).target().name());
      }
      return Json.cut(s.toString(), 250);
    }
    return transitionSubject(n);
  }

  static String body(Markup m, Notification n) {
    if (n.giveUp().isPresent()) {
      Notification.GiveUp g = n.giveUp().get();
      return "webmon gave up delivering the " + g.kind() + " notification of " + m.bold(m.escape(n.target().name()))
          + " to channel " + m.escape(g.channelId()) + " after " + g.attempts() + " attempts.\nLast outcome: "
          + m.escape(g.lastError()) + "\n" + m.link(n.links().incident().toString(), "Open the incident in webmon");
    }
    if (n.group().size() > 1) {
      StringBuilder b = new StringBuilder(n.group().size() + " incidents opened together:");
      for (Notification.Member member : n.group()) {
        Notification.Incident i = member.incident();
        b.append("\n- ").append(m.bold(m.escape(member.target().name()))).append(": ")
            .append(i.severity().wireName()).append(" since ").append(time(i.openedAt())).append(" — ")
            .append(m.link(member.links().incident().toString(), "incident"));
      }
      b.append("\nEach incident is resolved on its own.");
      return b.toString();
    }
    return transitionBody(m, n);
  }

  /** Plain text (Slack's is escaped by {@link #of}): channels show it as a title, summary or header. */
  static String transitionSubject(Notification n) {
    Notification.Incident i = n.incident();
    String name = n.target().name();
    return switch (i.kind()) {
      case OPENED -> "[" + label(i.severity()) + "] " + name;
      case UPDATED -> "[" + label(i.severity()) + "] " + name + " (updated)";
      case ACKNOWLEDGED ->
          "[ACK] " + name + " acknowledged by " + i.acknowledgement().map(a -> a.by()).orElse("someone");
      case RESOLVED -> "[RESOLVED] " + name;
    };
  }

  /**
   * The message of a REMINDER or ESCALATION notification: {@code n} is built from the incident's
   * newest transition (OPENED or UPDATED: follow-ups stop at the acknowledgement), {@code f} says
   * which reminder or step. The body is {@link #followUpHead} on a line, then the transition's
   * default body.
   */
  static Message followUp(ChannelType type, Notification n, FollowUp f) {
    String subject = followUpSubject(n, f);
    Markup m = Markup.of(type);
    return new Message(type == ChannelType.SLACK ? slackEscape(subject) : subject,
        followUpHead(m, f) + "\n" + body(m, n));
  }

  /** Plain text: {@code [DOWN] Shop home page (reminder 2)} or {@code … (escalation step 1)}. */
  static String followUpSubject(Notification n, FollowUp f) {
    return "[" + label(n.incident().severity()) + "] " + n.target().name() + (f.kind() == FollowUp.Kind.REMINDER
        ? " (reminder " + f.number() + ")"
        : " (escalation step " + f.number() + ")");
  }

  /** The follow-up's first line of the body, which says which reminder or step it is. */
  static String followUpHead(Markup m, FollowUp f) {
    return f.kind() == FollowUp.Kind.REMINDER
        ? m.bold("Reminder " + f.number()) + ": this incident is still open and nobody has acknowledged it."
        : m.bold("Escalation step " + f.number()) + ": nobody has acknowledged this incident within "
            + f.afterMinutes() + (f.afterMinutes() == 1 ? " minute." : " minutes.");
  }

  static String label(IncidentSeverity s) {
    return s.wireName().replace('-', ' ').toUpperCase(Locale.ROOT);
  }

  static String transitionBody(Markup m, Notification n) {
    Notification.Incident i = n.incident();
    String name = m.bold(m.escape(n.target().name()));
    StringBuilder b = new StringBuilder();
    switch (i.kind()) {
      case OPENED -> b.append(what(m, n, name)).append(" Since ").append(time(i.openedAt())).append('.');
      case UPDATED ->
          b.append(what(m, n, name)).append(" Updated at ").append(time(i.at())).append("; open since ")
              .append(time(i.openedAt())).append('.');
      case ACKNOWLEDGED -> {
        b.append(m.escape(i.acknowledgement().map(a -> a.by()).orElse("Someone")))
            .append(" acknowledged the ").append(i.severity().wireName()).append(" incident of ")
            .append(name).append(" at ")
            .append(time(i.acknowledgement().map(a -> a.at()).orElse(i.at()))).append('.');
        i.acknowledgement().flatMap(a -> a.note()).ifPresent(note -> b.append("\nNote: ").append(m.escape(note)));
      }
      case RESOLVED ->
          b.append(name).append(" has recovered: the ").append(i.severity().wireName())
              .append(" incident opened at ").append(time(i.openedAt())).append(" was resolved at ")
              .append(time(i.at())).append('.');
    }
    if (!n.locations().isEmpty()) {
      b.append("\nLocations:");
      for (Notification.Location l : n.locations()) {
        b.append("\n- ").append(m.escape(l.name())).append(": ").append(l.state());
        l.reason().ifPresent(r -> b.append(" (").append(r).append(')'));
      }
    }
    n.target().url().ifPresent(u -> b.append("\nTarget: ").append(m == Markup.SLACK ? slackEscape(u.toString()) : u));
    b.append('\n').append(m.link(n.links().incident().toString(), "Open the incident in webmon"));
    return b.toString();
  }

  private static String what(Markup m, Notification n, String name) {
    Notification.Incident i = n.incident();
    long down = n.locations().stream().filter(l -> l.state() == LocationStatus.State.DOWN).count();
    long failing = n.locations().stream()
        .filter(l -> l.state() == LocationStatus.State.DOWN || l.state() == LocationStatus.State.DEGRADED).count();
    String of = " of " + i.reporting() + " reporting locations (quorum " + i.quorum() + ").";
    return switch (i.severity()) {
      case DOWN -> name + " is down from " + down + of;
      case DEGRADED -> name + " is degraded (slow or failing) from " + failing + of;
      case NO_DATA -> "No location reports on " + name + ": every location is silent.";
      case FLAPPING -> name + " is flapping: its state keeps changing.";
      case CERTIFICATE ->
          "The TLS certificate of " + name + " expires at "
              + i.certificateExpiresAt().map(DefaultMessages::time).orElse("an unknown time") + ".";
    };
  }
}
