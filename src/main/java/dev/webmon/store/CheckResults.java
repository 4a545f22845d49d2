package dev.webmon.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes raw results into {@code check_result} by COPY: straight into the table (fast), or
 * through the temporary table {@code sink_stage} with {@code INSERT ... ON CONFLICT DO NOTHING}
 * when some rows are stored already (a result delivered twice). On the caller's transaction.
 * Stateless.
 */
public final class CheckResults {
  /** The partitioned table of raw results. */
  public static final String TABLE = "check_result";

  /** The session's temporary staging table (rows deleted at commit). */
  public static final String STAGE = "sink_stage";

  private CheckResults() {}

  /** The COPY statement of rows in {@code columns} into {@code table}. */
  public static String copySql(String table, String columns, boolean binary) {
    return "COPY " + table + " (" + columns + ") FROM STDIN" + (binary ? " (FORMAT binary)" : "");
  }

  /** COPYs the rows into {@code table} ({@link #TABLE} or {@link #STAGE}); returns the rows copied. */
  public static long copy(Connection c, CopyRows rows, String table) throws SQLException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table, rows.columns(), rows.binary()));
    try {
      in.writeToCopy(rows.buffer(), 0, rows.length());
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /** Creates {@link #STAGE} for this session unless it exists. */
  public static void createStage(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGE + " (LIKE check_result INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
  }

  /**
   * Moves the staged rows into {@link #TABLE}, skipping those stored already (and duplicates
   * within the stage), and empties the stage.
   *
   * @return the rows inserted
   */
  public static int insertStaged(Connection c, String columns) throws SQLException {
    try (Statement s = c.createStatement()) {
      int rows =
          s.executeUpdate(
              "INSERT INTO check_result (" + columns + ") SELECT DISTINCT ON (target_id, started_at, result_id) "
                  + columns + " FROM " + STAGE + " ON CONFLICT DO NOTHING");
      s.execute("TRUNCATE " + STAGE);
      return rows;
    }
  }
}
