package dev.webmon.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * The one classification of PostgreSQL errors by SQLSTATE: what counts as "PostgreSQL is
 * unavailable" (the web answers 503, the sink keeps the batch and retries), a duplicate key, and
 * data PostgreSQL refuses. Stateless.
 */
public final class PgErrors {
  private PgErrors() {}

  /**
   * PostgreSQL cannot be reached or is going away: the pool's connection timeout ({@link
   * SQLTransientConnectionException}), class 08 (connection exception), class 53 (insufficient
   * resources), 57P01/57P02/57P03 (admin or crash shutdown, cannot connect now), and pgjdbc I/O
   * failures reported without a state. 57014 (query canceled) is not unavailability.
   */
  public static boolean isUnavailable(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    Optional<String> state = state(e);
    if (state.isEmpty()) {
      return true; // pgjdbc reports some I/O failures without a state
    }
    String s = state.get();
    return s.startsWith("08") || s.startsWith("53") || s.equals("57P01") || s.equals("57P02") || s.equals("57P03");
  }

  /** 23505: a row with the same primary key exists (a result delivered twice). */
  public static boolean isUniqueViolation(SQLException e) {
    return state(e).filter("23505"::equals).isPresent();
  }

  /** 55P03: a lock was not obtained within {@code lock_timeout}. */
  public static boolean isLockTimeout(SQLException e) {
    return state(e).filter("55P03"::equals).isPresent();
  }

  /**
   * The data of one row was refused (22: data exception, 23: integrity, except duplicates; 54:
   * program limit, e.g. an index row too large): retrying the same rows cannot help.
   */
  public static boolean isDataError(SQLException e) {
    Optional<String> state = state(e);
    if (state.isEmpty() || state.get().length() < 2 || isUniqueViolation(e)) {
      return false;
    }
    String cls = state.get().substring(0, 2);
    return cls.equals("22") || cls.equals("23") || cls.equals("54");
  }

  /** The first SQLSTATE along the exception's chain of next exceptions. */
  public static Optional<String> state(SQLException e) {
    for (SQLException x = e; x != null; x = x.getNextException()) {
      if (x.getSQLState() != null) {
        return Optional.of(x.getSQLState());
      }
    }
    return Optional.empty();
  }

  /** A short one-line description: state and message, without stack or secrets. */
  public static String describe(SQLException e) {
    String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    return state(e).map(s -> "[" + s + "] ").orElse("") + msg;
  }
}
