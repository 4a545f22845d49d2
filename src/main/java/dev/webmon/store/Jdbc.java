package dev.webmon.store;

import dev.webmon.WebmonException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;

/**
 * Runs JDBC work on a pooled connection and turns its {@link SQLException}s into webmon's
 * exceptions in one place: {@link UnavailableException} when {@link PgErrors#isUnavailable}, a
 * plain {@link WebmonException} (a bug or a schema problem) otherwise. Stateless.
 */
public final class Jdbc {
  static final String UNAVAILABLE = "PostgreSQL is unavailable; nothing was changed. Try again shortly.";

  private Jdbc() {}

  /** Work on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs read work on a pooled connection in auto-commit mode. */
  public static <T> T read(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /**
   * Takes a connection, checks it answers and gives it back: for writes that must not start (and
   * publish anything) while PostgreSQL is down, yet must not hold a connection meanwhile.
   *
   * @throws UnavailableException if PostgreSQL does not answer
   */
  public static void requireReachable(DataSource ds) {
    boolean valid = read(ds, c -> c.isValid(5));
    if (!valid) {
      throw new UnavailableException("PostgreSQL", UNAVAILABLE);
    }
  }

  /** Runs work in one transaction, committed if it returns, rolled back if it throws. */
  public static <T> T transaction(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** PostgreSQL unavailable is {@link UnavailableException} (try again); anything else a bug or a schema problem. */
  public static WebmonException failure(SQLException e) {
    if (PgErrors.isUnavailable(e)) {
      return new UnavailableException("PostgreSQL", UNAVAILABLE, e);
    }
    return new WebmonException("Database error (SQLState " + PgErrors.state(e).orElse("null") + ")", e);
  }

  /** Starts a savepoint: work after it can be undone by {@link #rollbackTo} without losing the transaction. */
  public static void savepoint(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SAVEPOINT " + name);
    }
  }

  /** Undoes the work since the savepoint. */
  public static void rollbackTo(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ROLLBACK TO SAVEPOINT " + name);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  /** A nullable timestamp column as an instant, or null. */
  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? null : ts.toInstant();
  }
}
