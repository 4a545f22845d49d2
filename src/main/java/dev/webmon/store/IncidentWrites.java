package dev.webmon.store;

import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes incident transitions into {@code incident} and {@code incident_event}, on the caller's
 * transaction (the sink's batch, whose offsets make it exactly once). Two statements whatever the
 * number of events: one multi-row upsert of the incidents ({@code unnest}), then one multi-row
 * insert of the events, {@code ON CONFLICT DO NOTHING} on {@code (incident_id, seq)}.
 *
 * <p>The incident row is a fold of its events that does not depend on their order, so a batch, a
 * replay or an event arriving after a later one all give the same row: {@code state} only moves
 * forward (open, acknowledged, resolved), the acknowledgement and {@code resolved_at} are kept once
 * set, and the latest-event columns ({@code severity}, {@code locations}, {@code target_name},
 * {@code cause_result_id}, {@code policy}, {@code updated_at}) with {@code last_seq} only move to a
 * higher seq. {@code lane} is set when the row is inserted. Stateless.
 */
public final class IncidentWrites {
  private static final String TS = "to_timestamp(%1$s / 1000000) + (%1$s %% 1000000) * interval '1 microsecond'";

  private static final String UPSERT =
      """
      INSERT INTO incident AS i (id, target_id, target_name, lane, state, severity, opened_at, acknowledged_at,
                                 acknowledged_by, ack_note, resolved_at, last_seq, updated_at, cause_result_id, policy,
                                 locations)
      SELECT u.id::uuid, u.target_id, u.target_name, u.lane, u.state, u.severity, %s, %s, u.ack_by, u.ack_note, %s,
             u.seq, %s, u.cause::uuid, u.policy, u.locations::jsonb
      FROM unnest(:ids::text[], :targets::text[], :names::text[], :lanes::text[], :states::text[], :severities::text[],
                  :opened::int8[], :ackAt::int8[], :ackBy::text[], :ackNote::text[], :resolved::int8[], :seqs::int8[],
                  :updated::int8[], :causes::text[], :policies::text[], :locations::text[])
           AS u(id, target_id, target_name, lane, state, severity, opened_us, ack_us, ack_by, ack_note, resolved_us, seq,
                updated_us, cause, policy, locations)
      ON CONFLICT (id) DO UPDATE SET
          state = CASE WHEN 'resolved' IN (i.state, EXCLUDED.state) THEN 'resolved'
                       WHEN 'acknowledged' IN (i.state, EXCLUDED.state) THEN 'acknowledged'
                       ELSE 'open' END,
          acknowledged_at = coalesce(i.acknowledged_at, EXCLUDED.acknowledged_at),
          acknowledged_by = CASE WHEN i.acknowledged_at IS NULL THEN EXCLUDED.acknowledged_by ELSE i.acknowledged_by END,
          ack_note = CASE WHEN i.acknowledged_at IS NULL THEN EXCLUDED.ack_note ELSE i.ack_note END,
          resolved_at = coalesce(i.resolved_at, EXCLUDED.resolved_at),
          target_name = {NEWER}.target_name,
          severity = {NEWER}.severity,
          updated_at = {NEWER}.updated_at,
          cause_result_id = {NEWER}.cause_result_id,
          policy = {NEWER}.policy,
          locations = {NEWER}.locations,
          last_seq = greatest(i.last_seq, EXCLUDED.last_seq)
      WHERE i.last_seq < EXCLUDED.last_seq
         OR (i.state <> 'resolved' AND EXCLUDED.state <> i.state AND EXCLUDED.state <> 'open')
         OR (i.acknowledged_at IS NULL AND EXCLUDED.acknowledged_at IS NOT NULL)
         OR (i.resolved_at IS NULL AND EXCLUDED.resolved_at IS NOT NULL)
      """
          .formatted(
              TS.formatted("u.opened_us"), nullable("u.ack_us"), nullable("u.resolved_us"), TS.formatted("u.updated_us"))
          // A column of the row with the higher seq: the update's own when it moves last_seq.
          .replace("{NEWER}.target_name", newer("target_name"))
          .replace("{NEWER}.severity", newer("severity"))
          .replace("{NEWER}.updated_at", newer("updated_at"))
          .replace("{NEWER}.cause_result_id", newer("cause_result_id"))
          .replace("{NEWER}.policy", newer("policy"))
          .replace("{NEWER}.locations", newer("locations"));

  private static final String INSERT_EVENTS =
      """
      INSERT INTO incident_event (incident_id, seq, kind, severity, at, locations, note, quorum, reporting)
      SELECT e.id::uuid, e.seq, e.kind, e.severity, %s, e.locations::jsonb, e.note, e.quorum, e.reporting
      FROM unnest(:ids::text[], :seqs::int8[], :kinds::text[], :severities::text[], :at::int8[], :locations::text[],
                  :notes::text[], :quorums::int4[], :reportings::int4[])
           AS e(id, seq, kind, severity, at_us, locations, note, quorum, reporting)
      ON CONFLICT (incident_id, seq) DO NOTHING
      """
          .formatted(TS.formatted("e.at_us"));

  private IncidentWrites() {}

  private static String nullable(String micros) {
    return "CASE WHEN " + micros + " IS NULL THEN NULL ELSE " + TS.formatted(micros) + " END";
  }

  private static String newer(String column) {
    return "CASE WHEN EXCLUDED.last_seq > i.last_seq THEN EXCLUDED." + column + " ELSE i." + column + " END";
  }

  /**
   * The rows of a batch's incident events, as column arrays ready to bind: one incident row per
   * incident id (its events folded, see the class comment) and one row per event. Built on the
   * sink's consumer thread when a batch is sealed. Immutable once built.
   */
  public static final class Rows {
    static final Rows EMPTY = new Rows(List.of());

    private final Incidents incidents;
    private final Events events;

    private Rows(List<IncidentEvent> events) {
      List<IncidentEvent> sorted = new ArrayList<>(events);
      sorted.sort(Comparator.comparing(IncidentEvent::incidentId).thenComparingLong(IncidentEvent::seq));
      Map<UUID, Fold> folds = new LinkedHashMap<>();
      for (IncidentEvent e : sorted) {
        folds.computeIfAbsent(e.incidentId(), id -> new Fold()).add(e);
      }
      this.incidents = new Incidents(List.copyOf(folds.values()));
      this.events = new Events(sorted);
    }

    /** Incident events. */
    public int size() {
      return events.ids.length;
    }

    public boolean isEmpty() {
      return size() == 0;
    }
  }

  /** The rows of these events (any order, duplicates allowed). */
  public static Rows rows(List<IncidentEvent> events) {
    return events.isEmpty() ? Rows.EMPTY : new Rows(events);
  }

  /**
   * Upserts the incidents and inserts their events (those stored already are skipped).
   *
   * @return the events inserted
   */
  public static int write(Connection c, Rows rows) throws SQLException {
    if (rows.isEmpty()) {
      return 0;
    }
    Incidents in = rows.incidents;
    try (NamedStatement ps = NamedStatement.prepare(c, UPSERT)) {
      ps.array("ids", "text", in.ids)
          .array("targets", "text", in.targetIds)
          .array("names", "text", in.targetNames)
          .array("lanes", "text", in.lanes)
          .array("states", "text", in.states)
          .array("severities", "text", in.severities)
          .array("opened", "int8", in.openedUs)
          .array("ackAt", "int8", in.ackUs)
          .array("ackBy", "text", in.ackBy)
          .array("ackNote", "text", in.ackNote)
          .array("resolved", "int8", in.resolvedUs)
          .array("seqs", "int8", in.seqs)
          .array("updated", "int8", in.updatedUs)
          .array("causes", "text", in.causes)
          .array("policies", "text", in.policies)
          .array("locations", "text", in.locations)
          .executeUpdate();
    }
    Events ev = rows.events;
    try (NamedStatement ps = NamedStatement.prepare(c, INSERT_EVENTS)) {
      return ps.array("ids", "text", ev.ids)
          .array("seqs", "int8", ev.seqs)
          .array("kinds", "text", ev.kinds)
          .array("severities", "text", ev.severities)
          .array("at", "int8", ev.atUs)
          .array("locations", "text", ev.locations)
          .array("notes", "text", ev.notes)
          .array("quorums", "int4", ev.quorums)
          .array("reportings", "int4", ev.reportings)
          .executeUpdate();
    }
  }

  /** {@code lane} of a severity: certificate incidents have a lane of their own. */
  static String lane(IncidentSeverity severity) {
    return severity == IncidentSeverity.CERTIFICATE ? "certificate" : "availability";
  }

  /** {@code state} after an event of this kind (before folding with the stored one). */
  static String state(IncidentEvent e) {
    return switch (e.kind()) {
      case RESOLVED -> "resolved";
      case ACKNOWLEDGED -> "acknowledged";
      case OPENED, UPDATED -> e.acknowledgement().isPresent() ? "acknowledged" : "open";
    };
  }

  /** The events of one incident in seq order, folded as the upsert folds them with the stored row. */
  private static final class Fold {
    IncidentEvent latest;
    String state = "open";
    IncidentEvent.Acknowledgement ack;
    IncidentEvent resolved;

    void add(IncidentEvent e) {
      latest = e; // seq order: the last one has the highest seq
      String s = state(e);
      if (s.equals("resolved") || (s.equals("acknowledged") && state.equals("open"))) {
        state = s;
      }
      if (ack == null && e.acknowledgement().isPresent()) {
        ack = e.acknowledgement().get();
      }
      if (resolved == null && e.kind() == IncidentEvent.Kind.RESOLVED) {
        resolved = e;
      }
    }
  }

  private static final class Incidents {
    final String[] ids;
    final String[] targetIds;
    final String[] targetNames;
    final String[] lanes;
    final String[] states;
    final String[] severities;
    final Long[] openedUs;
    final Long[] ackUs;
    final String[] ackBy;
    final String[] ackNote;
    final Long[] resolvedUs;
    final Long[] seqs;
    final Long[] updatedUs;
    final String[] causes;
    final String[] policies;
    final String[] locations;

    Incidents(List<Fold> folds) {
      int n = folds.size();
      ids = new String[n];
      targetIds = new String[n];
      targetNames = new String[n];
      lanes = new String[n];
      states = new String[n];
      severities = new String[n];
      openedUs = new Long[n];
      ackUs = new Long[n];
      ackBy = new String[n];
      ackNote = new String[n];
      resolvedUs = new Long[n];
      seqs = new Long[n];
      updatedUs = new Long[n];
      causes = new String[n];
      policies = new String[n];
      locations = new String[n];
      for (int i = 0; i < n; i++) {
        Fold f = folds.get(i);
        IncidentEvent e = f.latest;
        ids[i] = e.incidentId().toString();
        targetIds[i] = e.targetId();
        targetNames[i] = e.targetName();
        lanes[i] = lane(e.severity());
        states[i] = f.state;
        severities[i] = e.severity().wireName();
        openedUs[i] = StatusRows.epochMicros(e.openedAt());
        if (f.ack != null) {
          ackUs[i] = StatusRows.epochMicros(f.ack.at());
          ackBy[i] = f.ack.by();
          ackNote[i] = f.ack.note().orElse(null);
        }
        if (f.resolved != null) {
          resolvedUs[i] = StatusRows.epochMicros(f.resolved.at());
        }
        seqs[i] = e.seq();
        updatedUs[i] = StatusRows.epochMicros(e.at());
        causes[i] = e.causeResultId().toString();
        policies[i] = e.policy();
        locations[i] = EventCodec.locationsJson(e.locations());
      }
    }
  }

  private static final class Events {
    final String[] ids;
    final Long[] seqs;
    final String[] kinds;
    final String[] severities;
    final Long[] atUs;
    final String[] locations;
    final String[] notes;
    final Integer[] quorums;
    final Integer[] reportings;

    Events(List<IncidentEvent> events) {
      int n = events.size();
      ids = new String[n];
      seqs = new Long[n];
      kinds = new String[n];
      severities = new String[n];
      atUs = new Long[n];
      locations = new String[n];
      notes = new String[n];
      quorums = new Integer[n];
      reportings = new Integer[n];
      for (int i = 0; i < n; i++) {
        IncidentEvent e = events.get(i);
        ids[i] = e.incidentId().toString();
        seqs[i] = e.seq();
        kinds[i] = kind(e.kind());
        severities[i] = e.severity().wireName();
        atUs[i] = StatusRows.epochMicros(e.at());
        locations[i] = EventCodec.locationsJson(e.locations());
        // The note belongs to the acknowledging transition; later events only repeat it.
        if (e.kind() == IncidentEvent.Kind.ACKNOWLEDGED) {
          notes[i] = e.acknowledgement().flatMap(IncidentEvent.Acknowledgement::note).orElse(null);
        }
        quorums[i] = e.quorum();
        reportings[i] = e.reporting();
      }
    }
  }

  /** {@code incident_event.kind}: as on the wire. */
  static String kind(IncidentEvent.Kind kind) {
    return kind.name();
  }
}
