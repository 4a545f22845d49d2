package dev.webmon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.event.IncidentEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NotifierTransitionsTest {
  private static final Instant AT = Instant.parse("2026-12-01T12:00:00Z");

  @Test
  void everyIncidentOpensThenResolvesWithDistinctKeys() {
    NotifierTransitions script = new NotifierTransitions("run", 60);
    Map<UUID, List<IncidentEvent>> byIncident = new HashMap<>();
    Set<String> keys = new HashSet<>();
    for (int j = 0; j < script.count(); j++) {
      IncidentEvent e = script.transition(j, AT.plusSeconds(j));
      byIncident.computeIfAbsent(e.incidentId(), k -> new ArrayList<>()).add(e);
      assertThat(keys.add(NotifierTransitions.key(e))).as("key of transition %d", j).isTrue();
    }
    assertThat(byIncident).hasSize(30);
    for (List<IncidentEvent> es : byIncident.values()) {
      assertThat(es).extracting(IncidentEvent::kind).containsExactly(IncidentEvent.Kind.OPENED, IncidentEvent.Kind.RESOLVED);
      assertThat(es).extracting(IncidentEvent::seq).containsExactly(1L, 2L);
      assertThat(es.get(1).openedAt()).isEqualTo(es.get(0).at());
      assertThat(es.get(1).targetId()).isEqualTo(es.get(0).targetId());
      assertThat(es.get(1).locations()).isEmpty();
    }
    // Ten open at a time: transition 10 resolves the incident transition 0 opened.
    assertThat(script.incident(10)).isEqualTo(script.incident(0));
    assertThat(script.incident(20)).isEqualTo(10);
  }

  @Test
  void anotherLabelGivesOtherIncidentsAndBadCountsAreRefused() {
    assertThat(new NotifierTransitions("warm", 20).incidentId(0)).isNotEqualTo(new NotifierTransitions("run", 20).incidentId(0));
    assertThatThrownBy(() -> new NotifierTransitions("run", 30)).hasMessageContaining("multiple of 20");
    assertThatThrownBy(() -> new NotifierBench.Options(2000, 0, 0, 3)).hasMessageContaining("--rate");
    assertThatThrownBy(() -> new NotifierBench.Options(2000, 50, 10, 3)).hasMessageContaining("--warmup");
  }
}
