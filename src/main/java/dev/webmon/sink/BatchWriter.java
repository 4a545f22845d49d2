package dev.webmon.sink;

import dev.webmon.event.TargetSpec;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@link Batch} in one PostgreSQL transaction: the consumed offsets (compare-and-set
 * against what the batch was built on), the results by COPY, the latest status per target and
 * location, the rollup-dirty marks of late hours, and the target changes. Then commits.
 *
 * <p>The offset compare-and-set is the fence that makes the sink exactly-once whatever Kafka's
 * group does: a sink instance that lost its partitions without noticing (a long pause, a network
 * split) finds {@code sink_offset} moved by the new owner and its transaction writes nothing.
 *
 * <p>Three ways to write the results, tried in order:
 *
 * <ol>
 *   <li>fast: COPY straight into {@code check_result};
 *   <li>dedupe, when the fast way hit a duplicate key (a result published twice by an agent, or
 *       {@code sink_offset} reset by an operator): COPY into a temporary table, then INSERT ... ON
 *       CONFLICT DO NOTHING;
 *   <li>row by row under savepoints, when PostgreSQL refused some row's data: the refused rows
 *       and target changes go to the dead-letter topic (acknowledged before the commit).
 * </ol>
 *
 * <p>Not thread-safe: one thread at a time writes (the sink's writer thread).
 */
final class BatchWriter implements BatchStore {
  private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
  static final String DB_REJECTED = "DB_REJECTED";
  static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(30);

  private final DataSource dataSource;
  private final String groupId;
  private final CopyEncoder.Format format;
  private final CopyEncoder single;
  private final Duration lateMargin;
  private final DeadLetters deadLetters;
  private final InstantSource clock;

  /** How a batch ended. */
  enum Outcome {
    COMMITTED,
    /** sink_offset was not where this batch expected it: another instance owns the partition. */
    FENCED,
    /** Not attempted: a batch before it failed or was fenced (see SinkLoop). */
    SKIPPED
  }

  /**
   * @param rows results inserted (duplicates and refused rows excluded)
   * @param duplicates results already stored
   * @param refused results and target changes PostgreSQL refused (sent to the dead-letter topic)
   */
  record Written(
      Outcome outcome,
      int rows,
      int duplicates,
      int refused,
      List<DeadLetters.Letter> refusedLetters,
      long committedAtMillis,
      long writeNanos) {
    static Written fenced() {
      return new Written(Outcome.FENCED, 0, 0, 0, List.of(), 0, 0);
    }

    static Written skipped() {
      return new Written(Outcome.SKIPPED, 0, 0, 0, List.of(), 0, 0);
    }
  }

  private enum Mode {
    FAST,
    DEDUPE,
    ROW_BY_ROW
  }

  /**
   * @param rollupDelay the sink's {@code sink.rollup-delay}: rows of an hour that ended more than
   *     half of it ago mark that hour for a rollup recompute
   */
  BatchWriter(
      DataSource dataSource,
      String groupId,
      CopyEncoder.Format format,
      Duration rollupDelay,
      DeadLetters deadLetters,
      InstantSource clock) {
    this.dataSource = dataSource;
    this.groupId = groupId;
    this.format = format;
    this.single = new CopyEncoder(format);
    this.lateMargin = rollupDelay.dividedBy(2);
    this.deadLetters = deadLetters;
    this.clock = clock;
  }

  /** An empty batch whose results this writer can COPY. */
  @Override
  public Batch newBatch() {
    return new Batch(format);
  }

  /**
   * Writes and commits the batch, first waiting for its dead letters' acknowledgements.
   *
   * @throws UnavailableException when PostgreSQL or the dead-letter topic is unavailable; the
   *     batch may be written again later
   */
  @Override
  public Written write(Batch batch) {
    deadLetters.await(batch.deadLetters, DEAD_LETTER_TIMEOUT);
    Mode mode = Mode.FAST;
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      while (true) {
        try {
          Written w = writeOnce(c, batch, mode);
          if (w.outcome() == Outcome.COMMITTED && mode != Mode.FAST) {
            LOG.info(
                "Batch written {}: {} row(s), {} duplicate(s) skipped, {} refused",
                mode == Mode.DEDUPE ? "with deduplication" : "row by row",
                w.rows(),
                w.duplicates(),
                w.refused());
          }
          return w;
        } catch (SQLException e) {
          rollbackQuietly(c);
          if (mode == Mode.FAST && PgErrors.isUniqueViolation(e)) {
            LOG.debug("Duplicate result in batch, writing it with deduplication: {}", PgErrors.describe(e));
            mode = Mode.DEDUPE;
          } else if (mode != Mode.ROW_BY_ROW && PgErrors.isDataError(e)) {
            LOG.warn("PostgreSQL refused data in a batch, writing it row by row: {}", PgErrors.describe(e));
            mode = Mode.ROW_BY_ROW;
          } else {
            throw e;
          }
        }
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
  }

  private Written writeOnce(Connection c, Batch batch, Mode mode) throws SQLException {
    long t0 = System.nanoTime();
    if (!moveOffsets(c, batch)) {
      c.rollback();
      return Written.fenced();
    }
    int rows;
    int duplicates = 0;
    List<Integer> refusedResults = new ArrayList<>();
    List<DeadLetters.Letter> refused = new ArrayList<>();
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    switch (mode) {
      case FAST -> rows = (int) copy(copy, batch.rows(), "check_result");
      case DEDUPE -> {
        createStage(c);
        copy(copy, batch.rows(), "sink_stage");
        try (Statement s = c.createStatement()) {
          rows =
              s.executeUpdate(
                  "INSERT INTO check_result (" + CopyEncoder.COLUMNS + ") SELECT DISTINCT ON (target_id, started_at, result_id) "
                      + CopyEncoder.COLUMNS + " FROM sink_stage ON CONFLICT DO NOTHING");
          s.execute("TRUNCATE sink_stage");
        }
        duplicates = batch.results.size() - rows;
      }
      default -> {
        rows = 0;
        for (int i = 0; i < batch.results.size(); i++) {
          single.reset();
          single.add(batch.results.get(i));
          single.finish();
          try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT row");
          }
          try {
            copy(copy, single, "check_result");
            rows++;
          } catch (SQLException e) {
            try (Statement s = c.createStatement()) {
              s.execute("ROLLBACK TO SAVEPOINT row");
            }
            if (PgErrors.isUniqueViolation(e)) {
              duplicates++;
            } else if (PgErrors.isDataError(e)) {
              refusedResults.add(i);
              refused.add(deadLetters.send(batch.resultSources.get(i), DB_REJECTED, PgErrors.describe(e)));
            } else {
              throw e;
            }
          }
        }
      }
    }
    long t1 = System.nanoTime();
    int statusRows = upsertStatus(c, batch, refusedResults);
    long t2 = System.nanoTime();
    markLateHours(c, batch);
    refused.addAll(applyTargetChanges(c, batch, mode == Mode.ROW_BY_ROW));
    // Refused records are dead letters of this batch: acknowledged before the offsets move.
    deadLetters.await(refused, DEAD_LETTER_TIMEOUT);
    long t3 = System.nanoTime();
    c.commit();
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "Batch of {} record(s): offsets+COPY {} ms, status ({} rows) {} ms, targets+marks {} ms, commit {} ms",
          batch.records(),
          (t1 - t0) / 1_000_000,
          statusRows,
          (t2 - t1) / 1_000_000,
          (t3 - t2) / 1_000_000,
          (System.nanoTime() - t3) / 1_000_000);
    }
    return new Written(Outcome.COMMITTED, rows, duplicates, refused.size(), refused, clock.millis(), System.nanoTime() - t0);
  }

  private static long copy(CopyManager copy, CopyEncoder enc, String table) throws SQLException {
    CopyIn in = copy.copyIn(enc.copySql(table));
    try {
      in.writeToCopy(enc.buffer(), 0, enc.length());
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  private static void createStage(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE IF NOT EXISTS sink_stage (LIKE check_result INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
  }

  /**
   * Moves sink_offset for every partition of the batch from the offset the batch was built on to
   * the next offset, and reports whether every row was where expected. An existing row is
   * updated only if it holds the expected offset; a missing row is inserted only if still
   * missing. A concurrent writer of the same rows blocks on their row locks and then finds them
   * moved.
   */
  private boolean moveOffsets(Connection c, Batch batch) throws SQLException {
    List<String> updTopics = new ArrayList<>();
    List<Integer> updPartitions = new ArrayList<>();
    List<Long> updNext = new ArrayList<>();
    List<Long> updExpected = new ArrayList<>();
    List<String> insTopics = new ArrayList<>();
    List<Integer> insPartitions = new ArrayList<>();
    List<Long> insNext = new ArrayList<>();
    for (Map.Entry<TopicPartition, Batch.Range> e : batch.ranges().entrySet()) {
      TopicPartition tp = e.getKey();
      Batch.Range r = e.getValue();
      if (r.expected() == Batch.NONE) {
        insTopics.add(tp.topic());
        insPartitions.add(tp.partition());
        insNext.add(r.next());
      } else {
        updTopics.add(tp.topic());
        updPartitions.add(tp.partition());
        updNext.add(r.next());
        updExpected.add(r.expected());
      }
    }
    if (!updTopics.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "UPDATE sink_offset o SET next_offset = u.n, updated_at = now() "
                  + "FROM unnest(?::text[], ?::int4[], ?::int8[], ?::int8[]) AS u(t, p, n, e) "
                  + "WHERE o.consumer_group = ? AND o.topic = u.t AND o.partition = u.p AND o.next_offset = u.e")) {
        ps.setArray(1, c.createArrayOf("text", updTopics.toArray()));
        ps.setArray(2, c.createArrayOf("int4", updPartitions.toArray()));
        ps.setArray(3, c.createArrayOf("int8", updNext.toArray()));
        ps.setArray(4, c.createArrayOf("int8", updExpected.toArray()));
        ps.setString(5, groupId);
        if (ps.executeUpdate() != updTopics.size()) {
          return false;
        }
      }
    }
    if (!insTopics.isEmpty()) {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO sink_offset (consumer_group, topic, partition, next_offset, updated_at) "
                  + "SELECT ?, t, p, n, now() FROM unnest(?::text[], ?::int4[], ?::int8[]) AS u(t, p, n) "
                  + "ON CONFLICT (consumer_group, topic, partition) DO NOTHING")) {
        ps.setString(1, groupId);
        ps.setArray(2, c.createArrayOf("text", insTopics.toArray()));
        ps.setArray(3, c.createArrayOf("int4", insPartitions.toArray()));
        ps.setArray(4, c.createArrayOf("int8", insNext.toArray()));
        if (ps.executeUpdate() != insTopics.size()) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Upserts target_status from the newest result per target and location. {@code since} keeps
   * its value while the state is unchanged; it becomes the start of the batch's last run of equal
   * outcomes when the state changed. A result older than the stored one changes nothing.
   * Returns the number of (target, location) pairs.
   */
  private static int upsertStatus(Connection c, Batch batch, List<Integer> skip) throws SQLException {
    StatusRows rows = skip.isEmpty() ? batch.status() : StatusRows.of(batch.results, new HashSet<>(skip));
    upsertStatus(c, STATUS_SAME_STATE_SQL, rows.sameState);
    upsertStatus(c, STATUS_FLIPPED_SQL, rows.flipped);
    return rows.size();
  }

  private static void upsertStatus(Connection c, String sql, StatusRows.Columns rows) throws SQLException {
    if (rows.size() == 0) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setArray(1, c.createArrayOf("text", rows.targetIds));
      ps.setArray(2, c.createArrayOf("text", rows.locations));
      ps.setArray(3, c.createArrayOf("text", rows.resultIds));
      ps.setArray(4, c.createArrayOf("int8", rows.startedUs));
      ps.setArray(5, c.createArrayOf("bool", rows.ups));
      ps.setArray(6, c.createArrayOf("text", rows.reasons));
      ps.setArray(7, c.createArrayOf("int4", rows.statusCodes));
      ps.setArray(8, c.createArrayOf("int8", rows.totalUs));
      ps.setArray(9, c.createArrayOf("int8", rows.tlsUs));
      ps.setArray(10, c.createArrayOf("int8", rows.sinceUs));
      ps.execute();
    }
  }

  private static final String TS = "to_timestamp(%1$s / 1000000) + (%1$s %% 1000000) * interval '1 microsecond'";

  /**
   * Upsert by primary key: one index probe per row whatever the table's size, and a HOT update
   * (no indexed column changes). {@code {SINCE}} is the new {@code since}: keep the stored one while
   * the state is unchanged (the batch had one run of equal outcomes), or take the batch's (the
   * state flipped within the batch).
   */
  private static final String STATUS_SQL =
      """
      INSERT INTO target_status AS s (target_id, location, result_id, started_at, up, reason, status_code, total_us,
                                      tls_expires_at, since)
      SELECT i.target_id, i.location, i.result_id::uuid, %s, i.up, i.reason, i.status_code::smallint, i.total_us, %s, %s
      FROM unnest(?::text[], ?::text[], ?::text[], ?::int8[], ?::bool[], ?::text[], ?::int4[], ?::int8[], ?::int8[], ?::int8[])
           AS i(target_id, location, result_id, started_us, up, reason, status_code, total_us, tls_us, since_us)
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

  private static final String STATUS_SAME_STATE_SQL =
      STATUS_SQL.replace("{SINCE}", "CASE WHEN s.up = EXCLUDED.up THEN s.since ELSE EXCLUDED.since END");
  private static final String STATUS_FLIPPED_SQL = STATUS_SQL.replace("{SINCE}", "EXCLUDED.since");

  /**
   * Marks, for a rollup recompute, the hours of the batch's rows that ended more than half the
   * rollup delay ago by PostgreSQL's clock. Maintenance rolls an hour up once it ended a whole
   * rollup delay ago; a batch transaction lasting less than the other half cannot slip rows into
   * an hour being rolled up without marking it.
   */
  private void markLateHours(Connection c, Batch batch) throws SQLException {
    Instant threshold = clock.instant().plus(Duration.ofMinutes(5)); // tolerate clock skew to PostgreSQL
    List<Long> hours = new ArrayList<>();
    for (long hour : batch.hours()) {
      if (!Instant.ofEpochSecond(hour).plus(Duration.ofHours(1)).isAfter(threshold)) {
        hours.add(hour);
      }
    }
    if (hours.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO check_rollup_dirty (hour) SELECT to_timestamp(h) FROM unnest(?::int8[]) AS h "
                + "WHERE to_timestamp(h) + interval '1 hour' + ? * interval '1 second' <= now() "
                + "ON CONFLICT (hour) DO NOTHING")) {
      ps.setArray(1, c.createArrayOf("int8", hours.toArray()));
      ps.setLong(2, lateMargin.toSeconds());
      ps.executeUpdate();
    }
  }

  private static final String UPSERT_TARGET =
      """
      INSERT INTO target AS t (id, version, name, url, interval_seconds, tags, spec, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?)
      ON CONFLICT (id) DO UPDATE SET
          version = EXCLUDED.version, name = EXCLUDED.name, url = EXCLUDED.url,
          interval_seconds = EXCLUDED.interval_seconds, tags = EXCLUDED.tags, spec = EXCLUDED.spec,
          updated_at = EXCLUDED.updated_at
      WHERE t.version < EXCLUDED.version
      """;

  /**
   * Upserts changed targets (a row only moves to a higher version) and deletes tombstoned ones
   * with their status rows. Row by row under savepoints when asked; returns the refused changes'
   * dead letters.
   */
  private List<DeadLetters.Letter> applyTargetChanges(Connection c, Batch batch, boolean rowByRow) throws SQLException {
    if (batch.targetChanges.isEmpty()) {
      return List.of();
    }
    List<DeadLetters.Letter> refused = new ArrayList<>();
    List<String> deletes = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(UPSERT_TARGET)) {
      for (Batch.TargetChange change : batch.targetChanges.values()) {
        if (change instanceof Batch.Delete d) {
          deletes.add(d.id());
          continue;
        }
        Batch.Upsert u = (Batch.Upsert) change;
        bindTarget(c, ps, u);
        if (!rowByRow) {
          ps.addBatch();
          continue;
        }
        try (Statement s = c.createStatement()) {
          s.execute("SAVEPOINT target");
        }
        try {
          ps.executeUpdate();
        } catch (SQLException e) {
          try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK TO SAVEPOINT target");
          }
          if (!PgErrors.isDataError(e)) {
            throw e;
          }
          refused.add(deadLetters.send(u.source(), DB_REJECTED, PgErrors.describe(e)));
        }
      }
      if (!rowByRow) {
        ps.executeBatch();
      }
    }
    if (!deletes.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM target WHERE id = ANY(?)");
          PreparedStatement st = c.prepareStatement("DELETE FROM target_status WHERE target_id = ANY(?)")) {
        Array ids = c.createArrayOf("text", deletes.toArray());
        ps.setArray(1, ids);
        ps.executeUpdate();
        st.setArray(1, ids);
        st.executeUpdate();
      }
    }
    return refused;
  }

  private static void bindTarget(Connection c, PreparedStatement ps, Batch.Upsert u) throws SQLException {
    TargetSpec t = u.spec();
    ps.setString(1, t.id());
    ps.setLong(2, t.version());
    ps.setString(3, t.name());
    ps.setString(4, t.url().toString());
    ps.setInt(5, Math.toIntExact(t.interval().toSeconds()));
    ps.setArray(6, c.createArrayOf("text", t.tags().toArray()));
    ps.setString(7, u.json());
    ps.setTimestamp(8, Timestamp.from(t.updatedAt()));
  }

  /**
   * The offsets stored for the given partitions; a partition without a row is absent from the
   * map.
   *
   * @throws UnavailableException when PostgreSQL cannot be reached
   */
  @Override
  public Map<TopicPartition, Long> readOffsets(Collection<TopicPartition> partitions) {
    Map<TopicPartition, Long> stored = new HashMap<>();
    if (partitions.isEmpty()) {
      return stored;
    }
    List<String> topics = new ArrayList<>();
    List<Integer> parts = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      topics.add(tp.topic());
      parts.add(tp.partition());
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT o.topic, o.partition, o.next_offset FROM sink_offset o "
                    + "JOIN unnest(?::text[], ?::int4[]) AS u(t, p) ON o.topic = u.t AND o.partition = u.p "
                    + "WHERE o.consumer_group = ?")) {
      ps.setArray(1, c.createArrayOf("text", topics.toArray()));
      ps.setArray(2, c.createArrayOf("int4", parts.toArray()));
      ps.setString(3, groupId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          stored.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
        }
      }
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw unavailable(e);
    }
    return stored;
  }

  private static UnavailableException unavailable(SQLException e) {
    String message =
        PgErrors.isUnavailable(e)
            ? PgErrors.describe(e)
            : "PostgreSQL refused the transaction: " + PgErrors.describe(e);
    return new UnavailableException("PostgreSQL", message, e);
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.debug("Rollback failed: {}", PgErrors.describe(e));
    }
  }
}
