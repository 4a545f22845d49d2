package dev.webmon.notifier;

import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.store.NotifyChannels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Which channels an incident transition goes to (docs/architecture.md, "Notifier"): a channel
 * gets it when it is a default channel, names the incident's policy, or shares a tag with the
 * target — and the severity reaches its minimum; RESOLVED only where {@code sendResolved}. A
 * channel already told of the incident gets its later transitions whatever the routing says now,
 * so an UPDATED to a lower severity still reaches it. Stateless.
 */
final class Routing {
  private Routing() {}

  /** certificate 1 < degraded 2 < no-data 3 = flapping 3 < down 4. */
  static int rank(IncidentSeverity s) {
    return switch (s) {
      case CERTIFICATE -> 1;
      case DEGRADED -> 2;
      case NO_DATA, FLAPPING -> 3;
      case DOWN -> 4;
    };
  }

  /** The rank of a stored {@code min_severity}; an unknown one counts as the lowest (everything passes). */
  static int rank(String wireName) {
    try {
      return rank(IncidentSeverity.fromWire(wireName));
    } catch (RuntimeException e) {
      return 1;
    }
  }

  /**
   * The ids of the channels {@code event} goes to, in the order of {@code channels}.
   *
   * @param targetTags the target's tags (empty when the target is unknown)
   * @param told the channels already told of this incident
   */
  static List<String> channels(
      IncidentEvent event, Collection<NotifyChannels.Row> channels, Collection<String> targetTags, Set<String> told) {
    List<String> out = new ArrayList<>();
    for (NotifyChannels.Row c : channels) {
      if (event.kind() == IncidentEvent.Kind.RESOLVED && !c.sendResolved()) {
        continue;
      }
      boolean matches =
          c.isDefault()
              || c.routePolicies().contains(event.policy())
              || c.routeTags().stream().anyMatch(targetTags::contains);
      if (told.contains(c.id()) || matches && rank(event.severity()) >= rank(c.minSeverity())) {
        out.add(c.id());
      }
    }
    return out;
  }
}
