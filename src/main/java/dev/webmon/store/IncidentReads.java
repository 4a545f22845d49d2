package dev.webmon.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The web's reads of the incidents the sink stores ({@code incident}, {@code incident_event}):
 * pages of incidents (open and acknowledged first, then resolved, each newest first, by keyset),
 * and one incident with its timeline and the check results that caused it. The caller validates
 * the query's values (this class refuses invalid ones with {@link IllegalArgumentException}).
 * Thread-safe. (Just over 400 lines: the two reads share their records and the keyset cursor.)
 */
public final class IncidentReads {
  /** Largest page. */
  public static final int MAX_LIMIT = 200;

  /** The states of an incident, as stored. */
  public static final List<String> STATES = List.of("open", "acknowledged", "resolved");

  /** The severities of an incident, as stored (their wire names). */
  public static final List<String> SEVERITIES = List.of("down", "degraded", "no-data", "flapping", "certificate");

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A result id without a time in it is looked for this long before its incident opened. */
  private static final Duration LOOKBACK = Duration.ofDays(1);

  private static final String COLUMNS =
      """
      i.id, i.target_id, i.target_name, i.lane, i.state, i.severity, i.opened_at, i.acknowledged_at,
      i.acknowledged_by, i.ack_note, i.resolved_at, i.updated_at, i.last_seq, i.cause_result_id, i.policy,
      i.locations::text AS locations
      """;

  private static final String FILTERS =
      """
      (CAST(:state AS text) IS NULL OR i.state = :state)
      AND (CAST(:target AS text) IS NULL OR i.target_id = :target)
      AND (CAST(:severity AS text) IS NULL OR i.severity = :severity)
      AND (CAST(:from AS timestamptz) IS NULL OR i.resolved_at IS NULL OR i.resolved_at >= :from)
      AND (CAST(:to AS timestamptz) IS NULL OR i.opened_at < :to)
      """;

  /**
   * Two branches so that the active ones come from the partial index {@code incident_active}
   * (few rows) and only the resolved ones need the (bounded, top-N) sort.
   */
  static final String LIST =
      """
      (SELECT %1$s, false AS resolved FROM incident i
       WHERE i.state <> 'resolved' AND %2$s
         AND (CAST(:afterAt AS timestamptz) IS NULL
              OR (NOT :afterResolved AND (i.opened_at, i.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))))
       ORDER BY i.opened_at DESC, i.id DESC LIMIT :limit)
      UNION ALL
      (SELECT %1$s, true AS resolved FROM incident i
       WHERE i.state = 'resolved' AND %2$s
         AND (CAST(:afterAt AS timestamptz) IS NULL OR NOT :afterResolved
              OR (i.opened_at, i.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid)))
       ORDER BY i.opened_at DESC, i.id DESC LIMIT :limit)
      ORDER BY resolved, opened_at DESC, id DESC
      LIMIT :limit
      """
          .formatted(COLUMNS, FILTERS);

  private static final String ONE = "SELECT " + COLUMNS + " FROM incident i WHERE i.id = :id";

  private static final String EVENTS =
      """
      SELECT seq, kind, severity, at, locations::text AS locations, note, quorum, reporting
      FROM incident_event WHERE incident_id = :id ORDER BY seq
      """;

  /**
   * The results of a target by id, each looked up within its own time range (a UUIDv7 result id
   * carries its start millisecond), so every lookup is a primary-key probe.
   */
  private static final String RESULTS =
      """
      SELECT r.result_id, r.started_at, r.scheduled_at, r.location, r.agent_id, r.up, r.reason, r.status_code,
             r.dns_us, r.connect_us, r.tls_us, r.ttfb_us, r.transfer_us, r.total_us, r.body_bytes, r.http_version,
             r.remote_address, r.tls_expires_at, r.redirects, r.final_url, r.detail, r.target_version, r.maintenance
      FROM unnest(CAST(:ids AS uuid[]), CAST(:lo AS timestamptz[]), CAST(:hi AS timestamptz[])) AS w(id, lo, hi)
      JOIN check_result r ON r.target_id = :target AND r.started_at >= w.lo AND r.started_at < w.hi AND r.result_id = w.id
      ORDER BY r.started_at, r.result_id
      """;

  private final DataSource dataSource;

  public IncidentReads(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The latest state of one location in an incident; {@code reason} and {@code sinceResultId} may be null. */
  public record Location(String location, String state, String reason, UUID sinceResultId) {}

  /**
   * An incident as stored: its latest state. {@code acknowledgedAt}, {@code acknowledgedBy},
   * {@code ackNote} and {@code resolvedAt} are null until they happen.
   */
  public record Incident(
      UUID id,
      String targetId,
      String targetName,
      String lane,
      String state,
      String severity,
      Instant openedAt,
      Instant acknowledgedAt,
      String acknowledgedBy,
      String ackNote,
      Instant resolvedAt,
      Instant updatedAt,
      long lastSeq,
      UUID causeResultId,
      String policy,
      List<Location> locations) {
    public Incident {
      locations = List.copyOf(locations);
    }

    public boolean resolved() {
      return state.equals("resolved");
    }
  }

  /** One transition of an incident; {@code note} may be null. */
  public record Event(long seq, String kind, String severity, Instant at, List<Location> locations, String note, int quorum, int reporting) {
    public Event {
      locations = List.copyOf(locations);
    }
  }

  /** An incident, its transitions in order and the results its locations and cause name (oldest first). */
  public record Detail(Incident incident, List<Event> timeline, List<ResultPages.ResultItem> results) {
    public Detail {
      timeline = List.copyOf(timeline);
      results = List.copyOf(results);
    }
  }

  /** A page of incidents; {@code nextCursor} (null on the last page) fetches the following page. */
  public record Page(List<Incident> items, String nextCursor) {
    public Page {
      items = List.copyOf(items);
    }
  }

  /** Position after the last incident of a page. */
  public record Cursor(boolean resolved, Instant openedAt, UUID id) {
    /** The cursor as an opaque URL-safe text. */
    public String format() {
      long micros = ChronoUnit.MICROS.between(Instant.EPOCH, openedAt);
      String text = (resolved ? "r" : "a") + ":" + micros + ":" + id;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The cursor of a text made by {@link #format}, or empty if the text is not one. */
    public static Optional<Cursor> parse(String text) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.US_ASCII).split(":", -1);
        if (parts.length != 3 || !(parts[0].equals("a") || parts[0].equals("r"))) {
          return Optional.empty();
        }
        Instant at = Instant.EPOCH.plus(Long.parseLong(parts[1]), ChronoUnit.MICROS);
        return Optional.of(new Cursor(parts[0].equals("r"), at, UUID.fromString(parts[2])));
      } catch (RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /**
   * Which incidents: optionally of one state (one of {@link #STATES}), target and severity (one
   * of {@link #SEVERITIES}), and only those active at some time in {@code [from, to)} (opened
   * before {@code to}, not resolved before {@code from}); at most {@code limit} (1 to {@link
   * #MAX_LIMIT}), after a previous page's position. Build with {@link #first} and the withers.
   */
  public record Query(
      Optional<String> state,
      Optional<String> targetId,
      Optional<String> severity,
      Optional<Instant> from,
      Optional<Instant> to,
      int limit,
      Optional<Cursor> after) {
    public Query {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException("limit " + limit + " is not within 1 to " + MAX_LIMIT);
      }
      if (state.isPresent() && !STATES.contains(state.get())) {
        throw new IllegalArgumentException("no state " + state.get());
      }
      if (severity.isPresent() && !SEVERITIES.contains(severity.get())) {
        throw new IllegalArgumentException("no severity " + severity.get());
      }
    }

    public static Query first(int limit) {
      return new Query(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
    }

    public Query state(String s) {
      return new Query(Optional.of(s), targetId, severity, from, to, limit, after);
    }

    public Query target(String id) {
      return new Query(state, Optional.of(id), severity, from, to, limit, after);
    }

    public Query severity(String s) {
      return new Query(state, targetId, Optional.of(s), from, to, limit, after);
    }

    public Query from(Instant t) {
      return new Query(state, targetId, severity, Optional.of(t), to, limit, after);
    }

    public Query to(Instant t) {
      return new Query(state, targetId, severity, from, Optional.of(t), limit, after);
    }

    public Query after(Cursor c) {
      return new Query(state, targetId, severity, from, to, limit, Optional.of(c));
    }
  }

  /** The page of incidents {@code q} asks for. */
  public Page list(Query q) {
    return Jdbc.read(
        dataSource,
        c -> {
          try (NamedStatement ps =
              NamedStatement.prepare(c, LIST)
                  .text("state", q.state().orElse(null))
                  .text("target", q.targetId().orElse(null))
                  .text("severity", q.severity().orElse(null))
                  .timestamp("from", q.from().orElse(null))
                  .timestamp("to", q.to().orElse(null))
                  .timestamp("afterAt", q.after().map(Cursor::openedAt).orElse(null))
                  .object("afterId", q.after().map(Cursor::id).orElse(null), Types.OTHER)
                  .bool("afterResolved", q.after().map(Cursor::resolved).orElse(null))
                  .integer("limit", q.limit() + 1)) {
            List<Incident> items = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                items.add(incident(rs));
              }
            }
            String next = null;
            if (items.size() > q.limit()) {
              items.remove(q.limit());
              Incident last = items.get(q.limit() - 1);
              next = new Cursor(last.resolved(), last.openedAt(), last.id()).format();
            }
            return new Page(items, next);
          }
        });
  }

  /** One incident, or empty if there is none with that id. */
  public Optional<Incident> find(UUID id) {
    return Jdbc.read(dataSource, c -> find(c, id));
  }

  /**
   * One incident with its timeline and the results it names, or empty if there is none with
   * that id; {@code now} bounds the search for a result id that carries no time.
   */
  public Optional<Detail> detail(UUID id, Instant now) {
    return Jdbc.read(
        dataSource,
        c -> {
          Optional<Incident> found = find(c, id);
          if (found.isEmpty()) {
            return Optional.empty();
          }
          Incident incident = found.get();
          List<Event> timeline = new ArrayList<>();
          try (NamedStatement ps = NamedStatement.prepare(c, EVENTS).object("id", id, Types.OTHER);
              ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              timeline.add(
                  new Event(
                      rs.getLong("seq"),
                      rs.getString("kind"),
                      rs.getString("severity"),
                      Jdbc.instant(rs, "at"),
                      locations(rs.getString("locations")),
                      rs.getString("note"),
                      rs.getInt("quorum"),
                      rs.getInt("reporting")));
            }
          }
          return Optional.of(new Detail(incident, timeline, results(c, incident, timeline, now)));
        });
  }

  private static Optional<Incident> find(Connection c, UUID id) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, ONE).object("id", id, Types.OTHER);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(incident(rs)) : Optional.empty();
    }
  }

  /** The cause and every since-result of the incident's and its events' locations. */
  private static List<ResultPages.ResultItem> results(Connection c, Incident incident, List<Event> timeline, Instant now)
      throws SQLException {
    Set<UUID> ids = new LinkedHashSet<>();
    ids.add(incident.causeResultId());
    incident.locations().forEach(l -> addSince(ids, l));
    timeline.forEach(e -> e.locations().forEach(l -> addSince(ids, l)));
    Instant lo = incident.openedAt().minus(LOOKBACK);
    Instant end = incident.resolvedAt() != null ? incident.resolvedAt() : now.isAfter(incident.updatedAt()) ? now : incident.updatedAt();
    Instant hi = end.plusSeconds(60);
    List<String> idTexts = new ArrayList<>();
    List<String> los = new ArrayList<>();
    List<String> his = new ArrayList<>();
    for (UUID id : ids) {
      idTexts.add(id.toString());
      if (id.version() == 7) {
        Instant ms = Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
        los.add(ms.toString());
        his.add(ms.plusMillis(1).toString());
      } else {
        los.add(lo.toString());
        his.add(hi.toString());
      }
    }
    List<ResultPages.ResultItem> out = new ArrayList<>();
    try (NamedStatement ps =
        NamedStatement.prepare(c, RESULTS)
            .array("ids", "text", idTexts.toArray())
            .array("lo", "text", los.toArray())
            .array("hi", "text", his.toArray())
            .text("target", incident.targetId());
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(ResultPages.ResultItem.of(rs));
      }
    }
    return out;
  }

  private static void addSince(Set<UUID> ids, Location l) {
    if (l.sinceResultId() != null) {
      ids.add(l.sinceResultId());
    }
  }

  private static Incident incident(ResultSet rs) throws SQLException {
    return new Incident(
        rs.getObject("id", UUID.class),
        rs.getString("target_id"),
        rs.getString("target_name"),
        rs.getString("lane"),
        rs.getString("state"),
        rs.getString("severity"),
        Jdbc.instant(rs, "opened_at"),
        Jdbc.instant(rs, "acknowledged_at"),
        rs.getString("acknowledged_by"),
        rs.getString("ack_note"),
        Jdbc.instant(rs, "resolved_at"),
        Jdbc.instant(rs, "updated_at"),
        rs.getLong("last_seq"),
        rs.getObject("cause_result_id", UUID.class),
        rs.getString("policy"),
        locations(rs.getString("locations")));
  }

  /** The stored {@code [{location, state, reason?, sinceResultId?}]}; what is not such an entry is skipped. */
  static List<Location> locations(String json) throws SQLException {
    JsonNode array;
    try {
      array = JSON.readTree(json);
    } catch (IOException e) {
      throw new SQLException("incident locations are not JSON", e);
    }
    List<Location> out = new ArrayList<>();
    if (array == null || !array.isArray()) {
      return out;
    }
    for (JsonNode n : array) {
      if (!n.path("location").isTextual()) {
        continue;
      }
      out.add(
          new Location(
              n.get("location").asText(),
              n.path("state").asText("UNKNOWN"),
              n.path("reason").isTextual() ? n.get("reason").asText() : null,
              uuid(n.path("sinceResultId"))));
    }
    return out;
  }

  private static UUID uuid(JsonNode n) {
    if (!n.isTextual()) {
      return null;
    }
    try {
      return UUID.fromString(n.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
