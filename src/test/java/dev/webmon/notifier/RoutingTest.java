package dev.webmon.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.store.NotifyChannels;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoutingTest {
  private static NotifyChannels.Row channel(
      String id, boolean isDefault, String min, boolean resolved, List<String> policies, List<String> tags) {
    return new NotifyChannels.Row(id, "webhook", id, isDefault, min, resolved, policies, tags, "{}", "{}", "{}", 1);
  }

  private static IncidentEvent event(IncidentEvent.Kind kind, IncidentSeverity severity, String policy) {
    IncidentEvent e = Incidents.opened();
    long seq = kind == IncidentEvent.Kind.OPENED ? 1 : 2;
    Optional<java.time.Instant> expires =
        severity == IncidentSeverity.CERTIFICATE ? Optional.of(e.at().plusSeconds(86_400)) : Optional.empty();
    return new IncidentEvent(e.incidentId(), e.targetId(), e.targetName(), seq, kind, severity, e.at(),
        e.openedAt(), kind == IncidentEvent.Kind.RESOLVED ? List.of() : e.locations(), e.causeResultId(), e.quorum(),
        e.reporting(), policy, Optional.empty(), expires);
  }

  @Test
  void defaultPolicyAndTagChannelsGetTheIncident() {
    List<NotifyChannels.Row> channels =
        List.of(
            channel("all", true, "certificate", true, List.of(), List.of()),
            channel("by-policy", false, "certificate", true, List.of("strict"), List.of()),
            channel("by-tag", false, "certificate", true, List.of(), List.of("shop")),
            channel("other", false, "certificate", true, List.of("lenient"), List.of("blog")));
    IncidentEvent e = event(IncidentEvent.Kind.OPENED, IncidentSeverity.DOWN, "strict");
    assertThat(Routing.channels(e, channels, List.of("shop", "prod"), Set.of()))
        .containsExactly("all", "by-policy", "by-tag");
  }

  @Test
  void minimumSeverityFollowsTheRanks() {
    List<NotifyChannels.Row> channels =
        List.of(
            channel("down-only", true, "down", true, List.of(), List.of()),
            channel("no-data", true, "no-data", true, List.of(), List.of()),
            channel("degraded", true, "degraded", true, List.of(), List.of()));
    assertThat(Routing.channels(event(IncidentEvent.Kind.OPENED, IncidentSeverity.FLAPPING, "p"), channels, List.of(), Set.of()))
        .containsExactly("no-data", "degraded");
    assertThat(Routing.channels(event(IncidentEvent.Kind.OPENED, IncidentSeverity.CERTIFICATE, "p"), channels, List.of(), Set.of()))
        .isEmpty();
    assertThat(Routing.channels(event(IncidentEvent.Kind.OPENED, IncidentSeverity.DOWN, "p"), channels, List.of(), Set.of()))
        .containsExactly("down-only", "no-data", "degraded");
  }

  @Test
  void aToldChannelGetsLaterTransitionsWhateverTheSeverityButResolvedOnlyWhenItWantsThem() {
    List<NotifyChannels.Row> channels =
        List.of(
            channel("down-only", false, "down", true, List.of(), List.of()),
            channel("quiet", true, "down", false, List.of(), List.of()));
    IncidentEvent updated = event(IncidentEvent.Kind.UPDATED, IncidentSeverity.DEGRADED, "p");
    assertThat(Routing.channels(updated, channels, List.of(), Set.of("down-only", "quiet")))
        .containsExactly("down-only", "quiet");
    assertThat(Routing.channels(updated, channels, List.of(), Set.of())).isEmpty();
    IncidentEvent resolved = event(IncidentEvent.Kind.RESOLVED, IncidentSeverity.DOWN, "p");
    assertThat(Routing.channels(resolved, channels, List.of(), Set.of("down-only", "quiet")))
        .containsExactly("down-only");
  }
}
