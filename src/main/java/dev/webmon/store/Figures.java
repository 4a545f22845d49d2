package dev.webmon.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** How the read queries turn aggregate columns into the figures shown: percentages and milliseconds. */
final class Figures {
  private Figures() {}

  /** {@code up / checks} in percent with three decimals, or null without checks. */
  static Double percent(ResultSet rs, String up, String checks) throws SQLException {
    long c = rs.getLong(checks);
    if (rs.wasNull() || c == 0) {
      return null;
    }
    return percent(rs.getLong(up), c);
  }

  /** {@code up / checks} in percent with three decimals, or null without checks. */
  static Double percent(long up, long checks) {
    return checks == 0 ? null : Math.round(up * 100_000.0 / checks) / 1000.0;
  }

  /** A microseconds column in milliseconds with one decimal, or null. */
  static Double millis(ResultSet rs, String column) throws SQLException {
    double us = rs.getDouble(column);
    if (rs.wasNull()) {
      return null;
    }
    return Math.round(us / 100.0) / 10.0;
  }
}
