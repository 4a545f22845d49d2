package dev.webmon.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The table {@code target_status}: the latest result per target and location (the dashboard's
 * status), written by the sink in its batch transaction. Deleted with its target by {@link
 * Targets#delete}; only targets in {@code target} get rows, so results processed after their
 * target's deletion leave none behind. Stateless.
 */
public final class TargetStatus {
  private TargetStatus() {}

  private static final String TS = "to_timestamp(%1$s / 1000000) + (%1$s %% 1000000) * interval '1 microsecond'";

  /**
   * Upsert by primary key: one index probe per row whatever the table's size, and a HOT update
   * (no indexed column changes). {@code {SINCE}} is the new {@code since}: keep the stored one while
   * the state is unchanged (the batch had one run of equal outcomes), or take the batch's (the
   * state flipped within the batch). Rows of targets not in {@code target} (deleted, or not
   * materialised yet) are left out: one probe of {@code target}'s primary key per row, in the same
   * statement.
   */
  private static final String SQL =
      """
      INSERT INTO target_status AS s (target_id, location, result_id, started_at, up, reason, status_code, total_us,
                                      tls_expires_at, since)
      SELECT i.target_id, i.location, i.result_id::uuid, %s, i.up, i.reason, i.status_code::smallint, i.total_us, %s, %s
      FROM unnest(:targets::text[], :locations::text[], :results::text[], :started::int8[], :ups::bool[], :reasons::text[],
                  :codes::int4[], :totals::int8[], :tls::int8[], :since::int8[])
           AS i(target_id, location, result_id, started_us, up, reason, status_code, total_us, tls_us, since_us)
      WHERE EXISTS (SELECT 1 FROM target t WHERE t.id = i.target_id)
      ON CONFLICT (target_id, location) DO UPDATE SET
          result_id = EXCLUDED.result_id, started_at = EXCLUDED.started_at, up = EXCLUDED.up, reason = EXCLUDED.reason,
          status_code = EXCLUDED.status_code, total_us = EXCLUDED.total_us, tls_expires_at = EXCLUDED.tls_expires_at,
          since = {SINCE}
      WHERE s.started_at < EXCLUDED.started_at
      """
          .formatted(
              TS.formatted("i.started_us"),
              "CASE WHEN i.tls_us IS NULL THEN NULL ELSE " + TS.formatted("i.tls_us") + " END",
              TS.formatted("i.since_us"));

  private static final String SAME_STATE_SQL =
      SQL.replace("{SINCE}", "CASE WHEN s.up = EXCLUDED.up THEN s.since ELSE EXCLUDED.since END");
  private static final String FLIPPED_SQL = SQL.replace("{SINCE}", "EXCLUDED.since");

  /**
   * Upserts the rows: {@code since} keeps its value while the state is unchanged and becomes the
   * start of the batch's last run of equal outcomes when it changed; a result older than the
   * stored one changes nothing; a target not in {@code target} gets no row.
   *
   * @return the number of (target, location) pairs
   */
  public static int upsert(Connection c, StatusRows rows) throws SQLException {
    upsert(c, SAME_STATE_SQL, rows.sameState);
    upsert(c, FLIPPED_SQL, rows.flipped);
    return rows.size();
  }

  /**
   * Deletes the status rows of targets not in {@code target}: rows a batch inserted while another
   * transaction deleted their target (storage maintenance). Returns how many.
   */
  public static int deleteOrphans(Connection c) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM target_status s WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.id = s.target_id)")) {
      return ps.executeUpdate();
    }
  }

  private static void upsert(Connection c, String sql, StatusRows.Columns rows) throws SQLException {
    if (rows.size() == 0) {
      return;
    }
    try (NamedStatement ps = NamedStatement.prepare(c, sql)) {
      ps.array("targets", "text", rows.targetIds)
          .array("locations", "text", rows.locations)
          .array("results", "text", rows.resultIds)
          .array("started", "int8", rows.startedUs)
          .array("ups", "bool", rows.ups)
          .array("reasons", "text", rows.reasons)
          .array("codes", "int4", rows.statusCodes)
          .array("totals", "int8", rows.totalUs)
          .array("tls", "int8", rows.tlsUs)
          .array("since", "int8", rows.sinceUs)
          .executeUpdate();
    }
  }
}
