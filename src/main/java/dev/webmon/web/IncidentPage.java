package dev.webmon.web;

import dev.webmon.store.IncidentReads;
import dev.webmon.store.ResultPages;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What the incident page ({@code incident.peb}, as {@code view}) shows: the incident, its
 * locations, its timeline and the results that caused it, every value formatted for display; and
 * the rows of the incident lists ({@code incidents.peb}, the target page).
 *
 * @param state the CSS class and text: "open", "acknowledged", "resolved"
 * @param canAck whether the ack form is offered (not resolved, not acknowledged yet)
 * @param notice a message after an ack was sent, or ""
 * @param error what was wrong with the ack, or ""
 */
record IncidentPage(
    Row incident,
    String state,
    String policy,
    String acknowledged,
    String ackNote,
    String resolved,
    boolean canAck,
    List<LocationRow> locations,
    List<EventRow> timeline,
    List<ResultRow> results,
    String notice,
    String error) {

  IncidentPage {
    locations = List.copyOf(locations);
    timeline = List.copyOf(timeline);
    results = List.copyOf(results);
  }

  /**
   * An incident in a list.
   *
   * @param status the CSS class of its dot: "down", "degraded" or "unknown" while active, "up" once resolved
   * @param failing the failing locations, e.g. "a, b"
   */
  record Row(
      String id,
      String url,
      String targetId,
      String targetName,
      String state,
      String severity,
      String status,
      String opened,
      String openedUtc,
      String duration,
      String failing,
      String acknowledgedBy) {
    static Row of(IncidentReads.Incident i, Instant now) {
      Instant end = i.resolvedAt() == null ? now : i.resolvedAt();
      return new Row(
          i.id().toString(),
          "/incidents/" + i.id(),
          i.targetId(),
          i.targetName(),
          i.state(),
          i.severity(),
          dot(i),
          Format.ago(i.openedAt(), now),
          Format.utc(i.openedAt()),
          IncidentPage.duration(Duration.between(i.openedAt(), end)),
          IncidentJson.failing(i.locations()).stream().map(IncidentReads.Location::location).collect(Collectors.joining(", ")),
          i.acknowledgedBy() == null ? "" : i.acknowledgedBy());
    }
  }

  /** A location of the incident; {@code resultAnchor} links to its first failing result on the page, or "". */
  record LocationRow(String name, String state, String status, String reason, String resultAnchor, String downResultsUrl) {}

  /** A transition of the timeline. */
  record EventRow(long seq, String kind, String severity, String at, String locations, String quorum, String note) {}

  /** A result that caused the incident; {@code anchor} is its element id. */
  record ResultRow(String anchor, String time, String location, String outcome, String reason, String status, String total,
      String detail, boolean cause) {}

  static IncidentPage of(IncidentReads.Detail d, Instant now, String notice, String error) {
    IncidentReads.Incident i = d.incident();
    Set<String> found = d.results().stream().map(r -> r.resultId().toString()).collect(Collectors.toSet());
    String targetUrl = "/targets/" + i.targetId();
    List<LocationRow> locations =
        i.locations().stream()
            .map(
                l ->
                    new LocationRow(
                        l.location(),
                        l.state().toLowerCase(Locale.ROOT),
                        locationDot(l.state()),
                        l.reason() == null ? "" : l.reason(),
                        l.sinceResultId() != null && found.contains(l.sinceResultId().toString()) ? "#result-" + l.sinceResultId() : "",
                        targetUrl + "?outcome=DOWN&location=" + URLEncoder.encode(l.location(), StandardCharsets.UTF_8)))
            .toList();
    List<EventRow> timeline =
        d.timeline().stream()
            .map(
                e ->
                    new EventRow(
                        e.seq(),
                        e.kind().toLowerCase(Locale.ROOT),
                        e.severity(),
                        Format.utc(e.at()),
                        e.locations().stream()
                            .map(l -> l.location() + " " + l.state().toLowerCase(Locale.ROOT) + (l.reason() == null ? "" : " (" + l.reason() + ")"))
                            .collect(Collectors.joining(", ")),
                        e.quorum() + " of " + e.reporting(),
                        e.note() == null ? "" : e.note()))
            .toList();
    List<ResultRow> results = d.results().stream().map(r -> result(r, r.resultId().equals(i.causeResultId()))).toList();
    return new IncidentPage(
        Row.of(i, now),
        i.state(),
        i.policy(),
        i.acknowledgedAt() == null ? "" : Format.utc(i.acknowledgedAt()) + (i.acknowledgedBy() == null ? "" : " by " + i.acknowledgedBy()),
        i.ackNote() == null ? "" : i.ackNote(),
        i.resolvedAt() == null ? "" : Format.utc(i.resolvedAt()),
        i.state().equals("open"),
        locations,
        timeline,
        results,
        notice,
        error);
  }

  private static ResultRow result(ResultPages.ResultItem r, boolean cause) {
    return new ResultRow(
        "result-" + r.resultId(),
        Format.utc(r.startedAt()),
        r.location(),
        r.outcome().name(),
        r.reason() == null ? "" : r.reason(),
        r.statusCode() == null ? "–" : r.statusCode().toString(),
        Format.millis(r.totalMs()),
        r.detail() == null ? "" : r.detail(),
        cause);
  }

  /** The dot of an incident: its severity while active, "up" once resolved. */
  private static String dot(IncidentReads.Incident i) {
    if (i.resolved()) {
      return "up";
    }
    return switch (i.severity()) {
      case "down" -> "down";
      case "no-data" -> "unknown";
      default -> "degraded";
    };
  }

  private static String locationDot(String state) {
    return switch (state.toUpperCase(Locale.ROOT)) {
      case "UP" -> "up";
      case "DOWN" -> "down";
      case "DEGRADED" -> "degraded";
      default -> "unknown";
    };
  }

  /** "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
  static String duration(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86_400) {
      return s / 3600 + " h " + s % 3600 / 60 + " min";
    }
    return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
  }

  /** The list of the incidents page and the target page. */
  record ListView(
      List<Row> rows, String state, String severity, String targetId, String from, String to, String nextUrl, String filterError,
      List<String> states, List<String> severities) {
    ListView {
      rows = List.copyOf(rows);
      states = List.copyOf(states);
      severities = List.copyOf(severities);
    }

    static ListView of(IncidentReads.Page page, Map<String, String> filter, Instant now, String filterError) {
      String next = "";
      if (page.nextCursor() != null) {
        String query =
            filter.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        next = "/incidents?" + (query.isEmpty() ? "" : query + "&") + "cursor=" + page.nextCursor();
      }
      return new ListView(
          page.items().stream().map(i -> Row.of(i, now)).toList(),
          filter.getOrDefault("state", ""),
          filter.getOrDefault("severity", ""),
          filter.getOrDefault("targetId", ""),
          filter.getOrDefault("from", ""),
          filter.getOrDefault("to", ""),
          next,
          filterError,
          IncidentReads.STATES,
          IncidentReads.SEVERITIES);
    }
  }
}
