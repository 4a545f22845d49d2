package dev.webmon.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The daily partitions of {@code check_result} (named {@code check_result_pYYYYMMDD}, bounds at
 * midnight UTC) and its DEFAULT partition; the maintenance lock. On the caller's connection and
 * transaction. Stateless.
 */
public final class Partitions {
  /** The advisory lock key of storage maintenance: "webmon" + 0x01. */
  public static final long LOCK_KEY = 0x7765626d6f6e01L;

  private Partitions() {}

  /** Takes the maintenance lock for this session, if no other session holds it. */
  public static boolean tryLock(Connection c) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT pg_try_advisory_lock(:key) AS locked").bigint("key", LOCK_KEY);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean("locked");
    }
  }

  /** Releases the maintenance lock. */
  public static void unlock(Connection c) throws SQLException {
    try (NamedStatement ps = NamedStatement.prepare(c, "SELECT pg_advisory_unlock(:key)").bigint("key", LOCK_KEY);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
    }
  }

  /** Limits how long the statements of this transaction wait for a lock. */
  public static void lockTimeout(Connection c, Duration timeout) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET LOCAL lock_timeout = " + timeout.toMillis());
    }
  }

  /**
   * Creates the daily partitions from {@code daysBack} days before {@code today} to {@code
   * daysAhead} days after it, moving into them the rows the DEFAULT partition caught.
   *
   * @return the partitions created
   */
  public static int ensure(Connection c, LocalDate today, int daysBack, int daysAhead) throws SQLException {
    try (NamedStatement ps =
            NamedStatement.prepare(c, "SELECT webmon_ensure_partitions_at(:today, :back, :ahead) AS created")
                .object("today", today)
                .integer("back", daysBack)
                .integer("ahead", daysAhead);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getInt("created");
    }
  }

  /** The names of the partitions of {@code check_result}, sorted. */
  public static List<String> names(Connection c) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    + "WHERE i.inhparent = 'check_result'::regclass ORDER BY c.relname")) {
      while (rs.next()) {
        names.add(rs.getString("relname"));
      }
    }
    return names;
  }

  /** Detaches and drops a partition (ACCESS EXCLUSIVE on {@code check_result} while detaching). */
  public static void drop(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE check_result DETACH PARTITION " + quote(name));
      s.execute("DROP TABLE " + quote(name));
    }
  }

  /** Deletes the rows of the DEFAULT partition that started before {@code before}; returns how many. */
  public static long deleteDefaultRowsBefore(Connection c, Instant before) throws SQLException {
    try (NamedStatement ps =
        NamedStatement.prepare(c, "DELETE FROM check_result_default WHERE started_at < :before").timestamp("before", before)) {
      return ps.executeUpdate();
    }
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }
}
