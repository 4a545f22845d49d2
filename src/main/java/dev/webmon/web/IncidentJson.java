package dev.webmon.web;

import dev.webmon.store.IncidentReads;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON shapes of incidents in the API ({@code web/openapi.json}, schemas Incident*). Stateless. */
final class IncidentJson {
  private IncidentJson() {}

  /** An incident of the list: {@code {id, targetId, targetName, state, severity, cause, openedAt, ...}}. */
  static Map<String, Object> item(IncidentReads.Incident i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("targetId", i.targetId());
    m.put("targetName", i.targetName());
    m.put("state", i.state());
    m.put("severity", i.severity());
    m.put("lane", i.lane());
    Map<String, Object> cause = new LinkedHashMap<>();
    cause.put("resultId", i.causeResultId());
    cause.put("locations", locations(failing(i.locations())));
    m.put("cause", cause);
    m.put("openedAt", i.openedAt());
    m.put("acknowledgedAt", i.acknowledgedAt());
    m.put("acknowledgedBy", i.acknowledgedBy());
    m.put("ackNote", i.ackNote());
    m.put("resolvedAt", i.resolvedAt());
    m.put("updatedAt", i.updatedAt());
    m.put("policy", i.policy());
    m.put("locations", locations(i.locations()));
    return m;
  }

  /** An incident with its {@code timeline} and the {@code results} its locations name. */
  static Map<String, Object> detail(IncidentReads.Detail d) {
    Map<String, Object> m = item(d.incident());
    m.put(
        "timeline",
        d.timeline().stream()
            .map(
                e -> {
                  Map<String, Object> t = new LinkedHashMap<>();
                  t.put("seq", e.seq());
                  t.put("kind", e.kind());
                  t.put("severity", e.severity());
                  t.put("at", e.at());
                  t.put("locations", locations(e.locations()));
                  t.put("note", e.note());
                  t.put("quorum", e.quorum());
                  t.put("reporting", e.reporting());
                  return t;
                })
            .toList());
    m.put("results", d.results());
    return m;
  }

  /** The locations that are not UP. */
  static List<IncidentReads.Location> failing(List<IncidentReads.Location> all) {
    return all.stream().filter(l -> !l.state().toUpperCase(Locale.ROOT).equals("UP")).toList();
  }

  private static List<Map<String, Object>> locations(List<IncidentReads.Location> all) {
    return all.stream()
        .map(
            l -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("location", l.location());
              m.put("state", l.state());
              m.put("reason", l.reason());
              m.put("sinceResultId", l.sinceResultId());
              return m;
            })
        .toList();
  }
}
