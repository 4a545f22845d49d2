package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TemplatesTest {
  private final Templates templates = new Templates();
  private final Notification opened = Incidents.notification(Incidents.opened());

  private Message render(ChannelType type, String subject, String body, Notification n) {
    return templates.renderer(type, "c", new MessageTemplate(Optional.ofNullable(subject), Optional.ofNullable(body)))
        .render(n);
  }

  @Test
  void aValidTemplateSeesTheDocumentedModel() {
    String body = "{{ target.id }}|{{ target.url }}|{{ incident.seq }}|{{ incident.severity }}|{{ incident.state }}|"
        + "{% for l in locations %}{{ l.location }}={{ l.reason }};{% endfor %}|{{ failingResultIds | length }}|"
        + "{{ links.web }}|{{ links.incident }}|{{ dedupKey }}|{{ channelId }}";
    templates.validate(ChannelType.WEBHOOK, "body", body);
    assertThat(render(ChannelType.WEBHOOK, null, body, opened).body())
        .isEqualTo("shop-home|https://shop.example.com/|1|down|open|eu-west=HTTP_STATUS;us-east=TIMEOUT;|2|"
            + "https://webmon.example.com/|" + Contract.LINK + "|" + Incidents.ID + ":1:ops-hook|ops-hook");
    Notification acked = Incidents.notification(Incidents.acknowledged());
    assertThat(render(ChannelType.EMAIL, "{{ incident.acknowledgement.by }}: {{ incident.acknowledgement.note }}",
        null, acked).subject()).isEqualTo("alice: looking into it");
  }

  @Test
  void aTemplateThatDoesNotCompileIsRefusedWithPebblesError() {
    assertThatThrownBy(() -> templates.validate(ChannelType.SLACK, "subject", "{{ target.name "))
        .isInstanceOf(TemplateException.class)
        .hasMessageStartingWith("subject: ")
        .hasMessageContaining("line 1")
        .satisfies(e -> assertThat(((TemplateException) e).field()).isEqualTo("subject"));
    assertThatThrownBy(() -> templates.validate(ChannelType.EMAIL, "body", "{{ target.name | nosuchfilter }}"))
        .isInstanceOf(TemplateException.class)
        .hasMessageContaining("nosuchfilter");
    assertThatThrownBy(() -> templates.validate(ChannelType.EMAIL, "body", "{% if %}x{% endif %}"))
        .isInstanceOf(TemplateException.class).hasMessageStartingWith("body: ");
  }

  @Test
  void aTemplateThatFailsOrRendersEmptyIsRefused() {
    assertThatThrownBy(() -> templates.validate(ChannelType.EMAIL, "body", "{{ incident.at | date(\"yyyy\") }}"))
        .isInstanceOf(TemplateException.class).hasMessageStartingWith("body: ");
    assertThatThrownBy(() -> templates.validate(ChannelType.EMAIL, "body", "   "))
        .isInstanceOf(TemplateException.class).hasMessage("body: is empty");
    assertThatThrownBy(() -> templates.validate(ChannelType.EMAIL, "subject",
        "{% if incident.kind == \"OPENED\" %}opened{% endif %}"))
        .isInstanceOf(TemplateException.class)
        .hasMessage("subject: renders empty for a ACKNOWLEDGED notification");
  }

  @Test
  void atSendTimeAFailingTemplateFallsBackToTheDefault() {
    Message fallback = DefaultMessages.of(ChannelType.EMAIL, opened);
    Message m = render(ChannelType.EMAIL, "{{ incident.at | date(\"yyyy\") }}", "ok {{ target.name }}", opened);
    assertThat(m.subject()).isEqualTo(fallback.subject()).isEqualTo("[DOWN] Shop home page");
    assertThat(m.body()).isEqualTo("ok Shop home page");
  }

  @Test
  void atSendTimeABlankOrBrokenOrHugeTemplateFallsBackToTheDefault() {
    Message fallback = DefaultMessages.of(ChannelType.TELEGRAM, opened);
    assertThat(render(ChannelType.TELEGRAM, "{% if false %}x{% endif %}", "  \n ", opened)).isEqualTo(fallback);
    assertThat(render(ChannelType.TELEGRAM, "{{ unclosed", "{% endfor %}", opened)).isEqualTo(fallback);
    assertThat(render(ChannelType.TELEGRAM, null, "{% for i in range(0, 100000) %}0123456789{% endfor %}", opened))
        .isEqualTo(fallback);
  }

  @Test
  void defaultsAreNeverEmptyForAnyTypeKindAndSeverity() {
    for (ChannelType type : ChannelType.values()) {
      for (IncidentSeverity severity : IncidentSeverity.values()) {
        for (IncidentEvent.Kind kind : IncidentEvent.Kind.values()) {
          Notification n = Incidents.notification(event(kind, severity));
          Message m = Templates.Renderer.defaults(type, "c").render(n);
          assertThat(m.subject()).as("%s %s %s", type, kind, severity).contains("Shop home page").doesNotContain("null");
          assertThat(m.body()).as("%s %s %s", type, kind, severity)
              .contains("Shop home page").contains(Contract.LINK).doesNotContain("null").doesNotContain("Optional");
        }
      }
    }
  }

  @Test
  void defaultBodiesSayWhatHappened() {
    Message opened = DefaultMessages.of(ChannelType.EMAIL, this.opened);
    assertThat(opened.body()).isEqualTo("""
        Shop home page is down from 2 of 3 reporting locations (quorum 2). Since 2026-03-01 12:00:30 UTC.
        Locations:
        - eu-west: DOWN (HTTP_STATUS)
        - us-east: DOWN (TIMEOUT)
        Target: https://shop.example.com/
        Open the incident in webmon: %s""".formatted(Contract.LINK));
    assertThat(DefaultMessages.of(ChannelType.EMAIL, Incidents.notification(Incidents.resolved())).body())
        .startsWith("Shop home page has recovered: the down incident opened at 2026-03-01 12:00:30 UTC was resolved at "
            + "2026-03-01 12:10:00 UTC.");
    assertThat(DefaultMessages.of(ChannelType.DISCORD, Incidents.notification(event(IncidentEvent.Kind.OPENED,
        IncidentSeverity.CERTIFICATE))).body())
        .startsWith("The TLS certificate of **Shop home page** expires at 2026-03-15 00:00:00 UTC.");
    assertThat(DefaultMessages.of(ChannelType.DISCORD, Incidents.notification(Incidents.updated())).subject())
        .isEqualTo("[DOWN] Shop home page (updated)");
  }

  @Test
  void markdownEscapingKeepsNamesLiteral() {
    assertThat(DefaultMessages.Markup.MARKDOWN.escape("a*b_c [x](y)")).isEqualTo("a\\*b\\_c \\[x\\](y)");
    assertThat(DefaultMessages.slackEscape("<@U1> & <!here>")).isEqualTo("&lt;@U1&gt; &amp; &lt;!here&gt;");
  }

  private static IncidentEvent event(IncidentEvent.Kind kind, IncidentSeverity severity) {
    long seq = switch (kind) {
      case OPENED -> 1;
      case UPDATED -> 2;
      case ACKNOWLEDGED -> 3;
      case RESOLVED -> 4;
    };
    Instant at = Incidents.OPENED_AT.plusSeconds(60 * seq);
    Optional<IncidentEvent.Acknowledgement> ack =
        kind == IncidentEvent.Kind.ACKNOWLEDGED || kind == IncidentEvent.Kind.RESOLVED
            ? Optional.of(Incidents.ACK) : Optional.empty();
    return new IncidentEvent(Incidents.ID, "shop-home", "Shop home page", seq, kind, severity,
        kind == IncidentEvent.Kind.OPENED ? Incidents.OPENED_AT : at, Incidents.OPENED_AT,
        kind == IncidentEvent.Kind.RESOLVED ? List.of() : Incidents.DOWN, Incidents.CAUSE, 2, 3, "default", ack,
        severity == IncidentSeverity.CERTIFICATE ? Optional.of(Instant.parse("2026-03-15T00:00:00Z")) : Optional.empty());
  }
}
