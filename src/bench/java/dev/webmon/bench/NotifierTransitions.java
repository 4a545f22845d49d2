package dev.webmon.bench;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.event.LocationStatus;
import dev.webmon.event.Reason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The notifier bench's script: transitions in blocks of {@link #BLOCK} incidents, first their
 * OPENED (seq 1), then their RESOLVED (seq 2), so that every incident opens and resolves and ten
 * are open at a time. Incident {@code i} belongs to target {@code bench-target-<i % TARGETS>}; its
 * id is derived from the script's label, so a warm-up and a timed run never share keys. Not
 * thread-safe (remembers each open incident's opening instant).
 */
final class NotifierTransitions {
  /** Incidents per block: their OPENED come first, then their RESOLVED. */
  static final int BLOCK = 10;

  static final int TARGETS = 100;

  private static final List<LocationStatus> DOWN =
      List.of(
          new LocationStatus("eu-west", LocationStatus.State.DOWN, Optional.of(Reason.HTTP_STATUS), Optional.empty()),
          new LocationStatus("us-east", LocationStatus.State.DOWN, Optional.of(Reason.TIMEOUT), Optional.empty()));

  private final String label;
  private final int count;
  private final Instant[] openedAt;

  /** @param count transitions, a positive multiple of {@code 2 × BLOCK} */
  NotifierTransitions(String label, int count) {
    if (count <= 0 || count % (2 * BLOCK) != 0) {
      throw new IllegalArgumentException("the transitions must be a positive multiple of " + 2 * BLOCK);
    }
    this.label = label;
    this.count = count;
    this.openedAt = new Instant[count / 2];
  }

  int count() {
    return count;
  }

  /** The incident of transition {@code j}. */
  int incident(int j) {
    int r = j % (2 * BLOCK);
    return j / (2 * BLOCK) * BLOCK + r % BLOCK;
  }

  UUID incidentId(int incident) {
    return UUID.nameUUIDFromBytes((label + "/" + incident).getBytes(StandardCharsets.UTF_8));
  }

  /** Transition {@code j} (0-based), decided at {@code at}. */
  IncidentEvent transition(int j, Instant at) {
    int i = incident(j);
    boolean opened = j % (2 * BLOCK) < BLOCK;
    if (opened) {
      openedAt[i] = at;
    }
    Instant since = openedAt[i] == null ? at : openedAt[i];
    return new IncidentEvent(
        incidentId(i),
        "bench-target-" + i % TARGETS,
        "Bench target " + i % TARGETS,
        opened ? 1 : 2,
        opened ? IncidentEvent.Kind.OPENED : IncidentEvent.Kind.RESOLVED,
        IncidentSeverity.DOWN,
        at,
        since,
        opened ? DOWN : List.of(),
        incidentId(i),
        2,
        3,
        "default",
        Optional.empty(),
        Optional.empty());
  }

  /** The key a transition is matched by: {@code <incidentId>:<seq>} (the Idempotency-Key without its channel). */
  static String key(IncidentEvent e) {
    return e.incidentId() + ":" + e.seq();
  }
}
