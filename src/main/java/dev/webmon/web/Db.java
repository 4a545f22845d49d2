package dev.webmon.web;

import dev.webmon.WebmonException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;

/** Small helpers for JDBC work in request handlers: one place that turns SQL failures into HTTP answers. */
final class Db {
  private Db() {}

  /** Work on a connection. */
  @FunctionalInterface
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Runs read work on a pooled connection in auto-commit mode. */
  static <T> T read(DataSource ds, Work<T> work) {
    try (Connection c = ds.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw failure(e);
    }
  }

  /** Runs work in one transaction, committed if it returns, rolled back if it throws. */
  static <T> T transaction(DataSource ds, Work<T> work) {
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

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException r) {
      cause.addSuppressed(r);
    }
  }

  /** A connection problem is 503 (try again); anything else is a bug or a schema problem (500). */
  static WebmonException failure(SQLException e) {
    String state = e.getSQLState();
    if (e instanceof SQLTransientConnectionException || (state != null && (state.startsWith("08") || state.equals("57P01")))) {
      return new UnavailableException("PostgreSQL is unavailable; nothing was changed. Try again shortly.", e);
    }
    return new WebmonException("Database error (SQLState " + state + ")", e);
  }
}
