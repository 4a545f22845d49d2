package dev.webmon.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A prepared statement with named parameters ({@code :name}, bound wherever it occurs) instead of
 * positions. The SQL sent to PostgreSQL is the text with every {@code :name} replaced by {@code ?}:
 * the same statement, the same plan. {@code ::type} casts and quoted literals are left alone. A
 * {@code null} value binds SQL NULL. Not thread-safe (one statement, one caller).
 */
final class NamedStatement implements AutoCloseable {
  private final PreparedStatement ps;
  private final Map<String, List<Integer>> positions;

  private NamedStatement(PreparedStatement ps, Map<String, List<Integer>> positions) {
    this.ps = ps;
    this.positions = positions;
  }

  static NamedStatement prepare(Connection c, String sql) throws SQLException {
    Map<String, List<Integer>> positions = new HashMap<>();
    String jdbc = parse(sql, positions);
    return new NamedStatement(c.prepareStatement(jdbc), positions);
  }

  /** The JDBC text of {@code sql} ({@code ?} for each {@code :name}); fills in each name's positions. */
  static String parse(String sql, Map<String, List<Integer>> positions) {
    StringBuilder out = new StringBuilder(sql.length());
    int index = 0;
    int i = 0;
    while (i < sql.length()) {
      char ch = sql.charAt(i);
      if (ch == '\'') {
        int end = sql.indexOf('\'', i + 1);
        end = end < 0 ? sql.length() : end + 1;
        out.append(sql, i, end);
        i = end;
      } else if (ch == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
        out.append("::");
        i += 2;
      } else if (ch == ':' && i + 1 < sql.length() && Character.isLetter(sql.charAt(i + 1))) {
        int end = i + 1;
        while (end < sql.length() && (Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_')) {
          end++;
        }
        positions.computeIfAbsent(sql.substring(i + 1, end), k -> new ArrayList<>()).add(++index);
        out.append('?');
        i = end;
      } else {
        out.append(ch);
        i++;
      }
    }
    return out.toString();
  }

  private List<Integer> at(String name) {
    List<Integer> at = positions.get(name);
    if (at == null) {
      throw new IllegalArgumentException("no parameter :" + name + " in " + positions.keySet());
    }
    return at;
  }

  NamedStatement text(String name, String value) throws SQLException {
    for (int p : at(name)) {
      ps.setString(p, value);
    }
    return this;
  }

  NamedStatement integer(String name, Integer value) throws SQLException {
    for (int p : at(name)) {
      if (value == null) {
        ps.setNull(p, Types.INTEGER);
      } else {
        ps.setInt(p, value);
      }
    }
    return this;
  }

  NamedStatement bytes(String name, byte[] value) throws SQLException {
    for (int p : at(name)) {
      ps.setBytes(p, value);
    }
    return this;
  }

  NamedStatement bigint(String name, long value) throws SQLException {
    for (int p : at(name)) {
      ps.setLong(p, value);
    }
    return this;
  }

  NamedStatement bool(String name, Boolean value) throws SQLException {
    for (int p : at(name)) {
      if (value == null) {
        ps.setNull(p, Types.BOOLEAN);
      } else {
        ps.setBoolean(p, value);
      }
    }
    return this;
  }

  NamedStatement timestamp(String name, Instant value) throws SQLException {
    Timestamp ts = value == null ? null : Timestamp.from(value);
    for (int p : at(name)) {
      ps.setTimestamp(p, ts);
    }
    return this;
  }

  /**
   * A {@code timestamptz} bound with its type, where {@link #timestamp} leaves the type to
   * PostgreSQL: a statement whose parameters all have types is never described by PgJDBC, so a
   * text of several statements stays one round trip ({@link #executeAll}).
   */
  NamedStatement timestamptz(String name, Instant value) throws SQLException {
    OffsetDateTime at = value == null ? null : value.atOffset(ZoneOffset.UTC);
    for (int p : at(name)) {
      ps.setObject(p, at, Types.TIMESTAMP_WITH_TIMEZONE);
    }
    return this;
  }

  /** A value the driver maps by its Java type ({@code LocalDate}, ...). */
  NamedStatement object(String name, Object value) throws SQLException {
    for (int p : at(name)) {
      ps.setObject(p, value);
    }
    return this;
  }

  /** A value the driver maps itself ({@code LocalDate}, {@code UUID} as {@link Types#OTHER}, ...). */
  NamedStatement object(String name, Object value, int sqlType) throws SQLException {
    for (int p : at(name)) {
      ps.setObject(p, value, sqlType);
    }
    return this;
  }

  /** A SQL array of {@code type} ("text", "int4", "int8", "bool"). */
  NamedStatement array(String name, String type, Object[] values) throws SQLException {
    java.sql.Array array = ps.getConnection().createArrayOf(type, values);
    for (int p : at(name)) {
      ps.setArray(p, array);
    }
    return this;
  }

  NamedStatement fetchSize(int rows) throws SQLException {
    ps.setFetchSize(rows);
    return this;
  }

  ResultSet executeQuery() throws SQLException {
    return ps.executeQuery();
  }

  int executeUpdate() throws SQLException {
    return ps.executeUpdate();
  }

  /**
   * Runs a text of several statements separated by {@code ;} (a name binds wherever it occurs in
   * any of them) and gives the first one's rows; {@link #nextResult} gives the next one's, in
   * order. PgJDBC sends them in one round trip unless one of them was described (a parameter bound
   * without a type, such as {@link #timestamp}, once the statement is prepared on the server): its
   * guard against filling the socket buffers then syncs before each described statement whose rows
   * have no bounded size.
   */
  ResultSet executeAll() throws SQLException {
    if (!ps.execute()) {
      throw new IllegalStateException("the first statement returned no rows");
    }
    return ps.getResultSet();
  }

  /** The rows of the next statement run by {@link #executeAll} (closing the previous one's). */
  ResultSet nextResult() throws SQLException {
    if (!ps.getMoreResults()) {
      throw new IllegalStateException("no further statement returned rows");
    }
    return ps.getResultSet();
  }

  void addBatch() throws SQLException {
    ps.addBatch();
  }

  int[] executeBatch() throws SQLException {
    return ps.executeBatch();
  }

  @Override
  public void close() throws SQLException {
    ps.close();
  }
}
