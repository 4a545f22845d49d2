package dev.webmon.sink;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/** Classifies PostgreSQL errors by SQLSTATE for the sink's retry decisions. */
final class PgErrors {
  private PgErrors() {}

  /** 23505: a row with the same primary key exists (a result delivered twice). */
  static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(state(e));
  }

  /**
   * The data of one row was refused (22: data exception, 23: integrity, except duplicates; 54:
   * program limit, e.g. an index row too large): retrying the same rows cannot help, so the batch
   * is written row by row and the rows PostgreSQL refuses go to the dead-letter topic.
   */
  static boolean isDataError(SQLException e) {
    String s = state(e);
    if (s == null || s.length() < 2 || isUniqueViolation(e)) {
      return false;
    }
    String cls = s.substring(0, 2);
    return cls.equals("22") || cls.equals("23") || cls.equals("54");
  }

  /**
   * PostgreSQL cannot be reached or is going away (08: connection exception, 57P0x: shutdown or
   * starting up, 53: insufficient resources, the pool's connection timeout).
   */
  static boolean isUnavailable(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    String s = state(e);
    if (s == null) {
      return true; // pgjdbc reports some I/O failures without a state
    }
    return s.startsWith("08") || s.startsWith("57P") || s.startsWith("53");
  }

  static String state(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null) {
        return x.getSQLState();
      }
    }
    return null;
  }

  /** A short one-line description: state and message, without stack or secrets. */
  static String describe(SQLException e) {
    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    String s = state(e);
    return (s == null ? "" : "[" + s + "] ") + msg;
  }
}
