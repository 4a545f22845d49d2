package dev.webmon.sink;

import dev.webmon.store.CheckResults;
import dev.webmon.store.IncidentWrites;
import dev.webmon.store.Jdbc;
import dev.webmon.store.Offsets;
import dev.webmon.store.PgErrors;
import dev.webmon.store.Rollups;
import dev.webmon.store.StatusRows;
import dev.webmon.store.TargetStatus;
import dev.webmon.store.Targets;
import dev.webmon.store.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@link Batch} in one PostgreSQL transaction: the consumed offsets (compare-and-set
 * against what the batch was built on), the results by COPY, the target changes, the incident
 * events ({@link IncidentWrites}), the latest status per target and location (only for targets in
 * the table), and the rollup-dirty marks of late hours. Then commits.
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
 *   <li>row by row under savepoints, when PostgreSQL refused some row's data: the refused rows,
 *       target changes and incident events go to the dead-letter topic (acknowledged before the
 *       commit).
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
  private final Targets targets = new Targets();

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
   * @param refused results, target changes and incident events PostgreSQL refused (sent to the dead-letter topic)
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
    switch (mode) {
      case FAST -> rows = (int) CheckResults.copy(c, batch.rows(), CheckResults.TABLE);
      case DEDUPE -> {
        CheckResults.createStage(c);
        CheckResults.copy(c, batch.rows(), CheckResults.STAGE);
        rows = CheckResults.insertStaged(c, CopyEncoder.COLUMNS);
        duplicates = batch.results.size() - rows;
      }
      default -> {
        rows = 0;
        for (int i = 0; i < batch.results.size(); i++) {
          single.reset();
          single.add(batch.results.get(i));
          single.finish();
          Jdbc.savepoint(c, "row");
          try {
            CheckResults.copy(c, single, CheckResults.TABLE);
            rows++;
          } catch (SQLException e) {
            Jdbc.rollbackTo(c, "row");
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
    // Target changes before the status rows, which are written only for targets in the table: a
    // target created in this batch gets its status, one deleted in it (or before) gets none.
    refused.addAll(applyTargetChanges(c, batch, mode == Mode.ROW_BY_ROW));
    refused.addAll(writeIncidents(c, batch, mode == Mode.ROW_BY_ROW));
    long t2 = System.nanoTime();
    int statusRows = upsertStatus(c, batch, refusedResults);
    markLateHours(c, batch);
    // Refused records are dead letters of this batch: acknowledged before the offsets move.
    deadLetters.await(refused, DEAD_LETTER_TIMEOUT);
    long t3 = System.nanoTime();
    c.commit();
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "Batch of {} record(s): offsets+COPY {} ms, targets+incidents {} ms, status ({} rows)+marks {} ms, commit {} ms",
          batch.records(),
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          statusRows,
          (t3 - t2) / 1_000_000,
          (System.nanoTime() - t3) / 1_000_000);
    }
    return new Written(Outcome.COMMITTED, rows, duplicates, refused.size(), refused, clock.millis(), System.nanoTime() - t0);
  }

  /**
   * Moves sink_offset for every partition of the batch from the offset the batch was built on to
   * the next offset, and reports whether every row was where expected. An existing row is
   * updated only if it holds the expected offset; a missing row is inserted only if still
   * missing. A concurrent writer of the same rows blocks on their row locks and then finds them
   * moved.
   */
  private boolean moveOffsets(Connection c, Batch batch) throws SQLException {
    List<Offsets.Move> moves = new ArrayList<>();
    for (Map.Entry<TopicPartition, Batch.Range> e : batch.ranges().entrySet()) {
      Batch.Range r = e.getValue();
      moves.add(new Offsets.Move(e.getKey(), r.expected() == Batch.NONE ? Offsets.NO_ROW : r.expected(), r.next()));
    }
    return Offsets.move(c, groupId, moves);
  }

  /**
   * Upserts target_status from the newest result per target and location. {@code since} keeps
   * its value while the state is unchanged; it becomes the start of the batch's last run of equal
   * outcomes when the state changed. A result older than the stored one changes nothing.
   * Returns the number of (target, location) pairs.
   */
  private static int upsertStatus(Connection c, Batch batch, List<Integer> skip) throws SQLException {
    StatusRows rows = skip.isEmpty() ? batch.status() : StatusRows.of(batch.results, new HashSet<>(skip));
    return TargetStatus.upsert(c, rows);
  }

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
    Rollups.markDirty(c, hours, lateMargin);
  }

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
    try (Targets.Upserts upserts = targets.upserts(c)) {
      for (Batch.TargetChange change : batch.targetChanges.values()) {
        if (change instanceof Batch.Delete d) {
          deletes.add(d.id());
          continue;
        }
        Batch.Upsert u = (Batch.Upsert) change;
        if (!rowByRow) {
          upserts.add(u.spec(), u.json());
          continue;
        }
        Jdbc.savepoint(c, "target");
        try {
          upserts.execute(u.spec(), u.json());
        } catch (SQLException e) {
          Jdbc.rollbackTo(c, "target");
          if (!PgErrors.isDataError(e)) {
            throw e;
          }
          refused.add(deadLetters.send(u.source(), DB_REJECTED, PgErrors.describe(e)));
        }
      }
      if (!rowByRow) {
        upserts.executeBatch();
      }
    }
    if (!deletes.isEmpty()) {
      targets.delete(c, deletes);
    }
    return refused;
  }

  /**
   * Writes the incident events (two statements, see {@link IncidentWrites}), or one by one under
   * savepoints when asked; returns the refused events' dead letters. One event at a time gives the
   * same rows as the whole batch: the incident upsert does not depend on the order of events.
   */
  private List<DeadLetters.Letter> writeIncidents(Connection c, Batch batch, boolean rowByRow) throws SQLException {
    if (batch.incidents.isEmpty()) {
      return List.of();
    }
    if (!rowByRow) {
      IncidentWrites.write(c, batch.incidentRows());
      return List.of();
    }
    List<DeadLetters.Letter> refused = new ArrayList<>();
    for (int i = 0; i < batch.incidents.size(); i++) {
      Jdbc.savepoint(c, "incident");
      try {
        IncidentWrites.write(c, IncidentWrites.rows(List.of(batch.incidents.get(i))));
      } catch (SQLException e) {
        Jdbc.rollbackTo(c, "incident");
        if (!PgErrors.isDataError(e)) {
          throw e;
        }
        refused.add(deadLetters.send(batch.incidentSources.get(i), DB_REJECTED, PgErrors.describe(e)));
      }
    }
    return refused;
  }

  /**
   * The offsets stored for the given partitions; a partition without a row is absent from the
   * map.
   *
   * @throws UnavailableException when PostgreSQL cannot be reached
   */
  @Override
  public Map<TopicPartition, Long> readOffsets(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return Map.of();
    }
    try (Connection c = dataSource.getConnection()) {
      Map<TopicPartition, Long> stored = Offsets.read(c, groupId, partitions);
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return stored;
    } catch (SQLException e) {
      throw unavailable(e);
    }
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
