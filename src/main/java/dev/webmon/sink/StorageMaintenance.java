package dev.webmon.sink;

import dev.webmon.WebmonException;
import dev.webmon.store.Partitions;
import dev.webmon.store.PgErrors;
import dev.webmon.store.Rollups;
import dev.webmon.store.TargetStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage maintenance of the results: daily partitions created ahead, hourly rollups of closed
 * hours (and of hours marked dirty by late rows), raw retention by dropping whole partitions,
 * rollup retention. One run at a time across all sink instances, under a PostgreSQL advisory lock
 * held by the run's own connection (so a dead instance releases it with its session).
 *
 * <p>Never blocks ingestion for long: every DDL statement runs with a short {@code lock_timeout}
 * and is retried later when it cannot get its lock; rollups only read the raw rows. Raw
 * partitions are dropped only once their hours are rolled up.
 *
 * <p>Not thread-safe: one thread calls {@link #runOnce()}.
 */
final class StorageMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(StorageMaintenance.class);

  /** The advisory lock key: "webmon" + 0x01 (maintenance). */
  static final long LOCK_KEY = Partitions.LOCK_KEY;

  static final Duration ROLLUP_CHUNK = Duration.ofHours(24);
  static final int DAYS_BACK = 1;
  static final int DIRTY_HOURS_PER_RUN = 48;
  static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);
  static final int DDL_ATTEMPTS = 3;

  private static final Pattern PARTITION = Pattern.compile("check_result_p(\\d{8})");
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final DataSource dataSource;
  private final SinkConfig config;
  private final java.time.InstantSource clock;
  private final Duration lockTimeout;

  StorageMaintenance(DataSource dataSource, SinkConfig config, java.time.InstantSource clock) {
    this(dataSource, config, clock, LOCK_TIMEOUT);
  }

  /** @param lockTimeout how long a DDL statement may wait for its lock before it is retried */
  StorageMaintenance(DataSource dataSource, SinkConfig config, java.time.InstantSource clock, Duration lockTimeout) {
    this.dataSource = dataSource;
    this.config = config;
    this.clock = clock;
    this.lockTimeout = lockTimeout;
  }

  /**
   * What one run did.
   *
   * @param ran false when another instance held the lock
   */
  record Report(
      boolean ran,
      int partitionsCreated,
      int hoursRolledUp,
      int dirtyHoursRecomputed,
      List<String> partitionsDropped,
      long defaultRowsDeleted,
      long rollupsDeleted,
      int orphanStatusRowsDeleted) {
    static Report skipped() {
      return new Report(false, 0, 0, 0, List.of(), 0, 0, 0);
    }

    boolean changedAnything() {
      return partitionsCreated > 0
          || hoursRolledUp > 0
          || dirtyHoursRecomputed > 0
          || !partitionsDropped.isEmpty()
          || defaultRowsDeleted > 0
          || rollupsDeleted > 0
          || orphanStatusRowsDeleted > 0;
    }
  }

  /** One maintenance run, if no other instance is running one. */
  Report runOnce() {
    Instant now = clock.instant();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      if (!Partitions.tryLock(c)) {
        LOG.debug("Storage maintenance: another sink instance holds the lock, skipping");
        return Report.skipped();
      }
      try {
        c.setAutoCommit(false);
        int created = ensurePartitions(c, now);
        int rolled = rollUpClosedHours(c, now);
        int dirty = recomputeDirtyHours(c);
        Instant rolledUntil = rolledUpUntil(c).orElse(Instant.EPOCH);
        List<String> dropped = dropExpiredPartitions(c, now, rolledUntil);
        long defaultDeleted = deleteExpiredDefaultRows(c, now, rolledUntil);
        long rollupsDeleted = deleteExpiredRollups(c, now);
        int orphans = deleteOrphanStatusRows(c);
        Report report = new Report(true, created, rolled, dirty, dropped, defaultDeleted, rollupsDeleted, orphans);
        if (report.changedAnything()) {
          LOG.info(
              "Storage maintenance: {} partition(s) created, {} hour(s) rolled up, {} dirty hour(s) recomputed, "
                  + "dropped {}, {} expired row(s) deleted from the default partition, {} expired rollup row(s) deleted, "
                  + "{} status row(s) of deleted targets deleted",
              created,
              rolled,
              dirty,
              dropped,
              defaultDeleted,
              rollupsDeleted,
              orphans);
        }
        return report;
      } finally {
        if (!c.getAutoCommit()) {
          c.rollback();
          c.setAutoCommit(true);
        }
        Partitions.unlock(c);
      }
    } catch (SQLException e) {
      throw new WebmonException("Storage maintenance failed: " + e.getMessage(), e);
    }
  }

  /** Creates the daily partitions from yesterday to {@code partitionsAhead} days ahead (UTC). */
  int ensurePartitions(Connection c, Instant now) throws SQLException {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    Integer created =
        withDdlRetry(
            c,
            "creating partitions",
            () -> Partitions.ensure(c, today, DAYS_BACK, config.partitionsAhead()));
    return created == null ? 0 : created;
  }

  /**
   * Rolls up every closed hour not rolled up yet (an hour is closed once it ended {@code
   * rollupDelay} ago), one day per transaction, advancing {@code maintenance_state}.
   */
  int rollUpClosedHours(Connection c, Instant now) throws SQLException {
    Instant closedUntil = now.minus(config.rollupDelay()).truncatedTo(ChronoUnit.HOURS);
    Instant from =
        rolledUpUntil(c).orElseGet(() -> now.minus(config.rawRetention()).truncatedTo(ChronoUnit.HOURS));
    int hours = 0;
    while (from.isBefore(closedUntil)) {
      Instant to = min(from.plus(ROLLUP_CHUNK), closedUntil);
      Rollups.rollUp(c, from, to);
      Rollups.setDoneUntil(c, to);
      c.commit();
      hours += (int) Duration.between(from, to).toHours();
      from = to;
    }
    return hours;
  }

  /**
   * Recomputes hours that received rows after they were rolled up. The mark is removed in its own
   * short transaction before the recompute, so a sink transaction marking the same hour never
   * waits for the recompute, and a mark made meanwhile survives for the next run.
   */
  int recomputeDirtyHours(Connection c) throws SQLException {
    Optional<Instant> rolledUntil = rolledUpUntil(c);
    if (rolledUntil.isEmpty()) {
      return 0;
    }
    List<Instant> dirty = Rollups.dirtyHours(c, rolledUntil.get(), DIRTY_HOURS_PER_RUN);
    c.commit();
    for (Instant hour : dirty) {
      Rollups.clearDirty(c, hour);
      c.commit();
      Rollups.rollUp(c, hour, hour.plus(Duration.ofHours(1)));
      c.commit();
    }
    return dirty.size();
  }

  static Optional<Instant> rolledUpUntil(Connection c) throws SQLException {
    try {
      return Rollups.doneUntil(c);
    } finally {
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }

  /**
   * Detaches and drops every daily partition whose whole day is older than the raw retention and
   * already rolled up. Non-concurrent DETACH (CONCURRENTLY is not allowed next to a DEFAULT
   * partition) takes ACCESS EXCLUSIVE on check_result: under a short lock_timeout it waits at most
   * that long for the running batch to commit, and ingestion waits at most as long behind it.
   */
  List<String> dropExpiredPartitions(Connection c, Instant now, Instant rolledUntil) throws SQLException {
    Instant cutoff = min(now.minus(config.rawRetention()), rolledUntil);
    List<String> expired = new ArrayList<>();
    for (String name : partitionNames(c)) {
      Matcher m = PARTITION.matcher(name);
      if (!m.matches()) {
        continue;
      }
      LocalDate day = LocalDate.parse(m.group(1), DAY);
      Instant end = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
      if (!end.isAfter(cutoff)) {
        expired.add(name);
      }
    }
    List<String> dropped = new ArrayList<>();
    for (String name : expired) {
      Boolean done =
          withDdlRetry(
              c,
              "dropping partition " + name,
              () -> {
                Partitions.drop(c, name);
                return true;
              });
      if (Boolean.TRUE.equals(done)) {
        dropped.add(name);
      }
    }
    return dropped;
  }

  /** Rows the DEFAULT partition caught (clock skew) follow the same retention. */
  long deleteExpiredDefaultRows(Connection c, Instant now, Instant rolledUntil) throws SQLException {
    Instant cutoff = min(now.minus(config.rawRetention()), rolledUntil);
    long deleted = Partitions.deleteDefaultRowsBefore(c, cutoff);
    Rollups.clearDirtyBefore(c, now.minus(config.rawRetention()));
    c.commit();
    return deleted;
  }

  long deleteExpiredRollups(Connection c, Instant now) throws SQLException {
    long deleted = Rollups.deleteBefore(c, now.minus(config.rollupRetention()));
    c.commit();
    return deleted;
  }

  /**
   * Deletes status rows whose target is gone: a batch can insert a target's first status row while
   * another transaction (the web, another sink instance) deletes the target.
   */
  int deleteOrphanStatusRows(Connection c) throws SQLException {
    int deleted = TargetStatus.deleteOrphans(c);
    c.commit();
    return deleted;
  }

  static List<String> partitionNames(Connection c) throws SQLException {
    List<String> names = Partitions.names(c);
    c.commit();
    return names;
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  /**
   * Runs DDL in its own transaction under a short lock_timeout; on a lock timeout rolls back and
   * tries again a few times, then gives up until the next run (returns null).
   */
  private <T> T withDdlRetry(Connection c, String what, SqlWork<T> work) throws SQLException {
    for (int attempt = 1; ; attempt++) {
      Partitions.lockTimeout(c, lockTimeout);
      try {
        T result = work.run();
        c.commit();
        return result;
      } catch (SQLException e) {
        c.rollback();
        if (!PgErrors.isLockTimeout(e)) {
          throw e;
        }
        if (attempt >= DDL_ATTEMPTS) {
          LOG.warn("Storage maintenance: {} could not get its lock in {} attempts; will retry next run", what, attempt);
          return null;
        }
        LOG.info("Storage maintenance: {} waited {} ms for a lock; retrying", what, lockTimeout.toMillis());
        sleep(lockTimeout.dividedBy(4).multipliedBy(attempt));
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Storage maintenance interrupted", e);
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
