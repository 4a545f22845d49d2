package dev.webmon.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.event.CheckResult;
import dev.webmon.sink.CopyEncoder;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The sink bench's reference: the same rows as the sink writes, encoded and COPYed in one
 * transaction into a scratch table shaped like {@code check_result} (same columns, primary key,
 * BRIN index, daily partitions and default partition), dropped afterwards.
 */
final class RawCopy {
  private RawCopy() {}

  /**
   * Starts a timed phase from the same, quiet PostgreSQL state as the others: VACUUM first, so no
   * autovacuum of the rows of the phase before runs during this one, then a CHECKPOINT, so each
   * phase pays for its own writes (and their full-page images in the WAL) and none for a
   * checkpoint the phase before triggered. CHECKPOINT needs superuser or the pg_checkpoint role;
   * without it the phases go on, with a note.
   */
  static void settle(HikariDataSource ds, PrintWriter out) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute("VACUUM check_result, target_status");
      s.execute("CHECKPOINT");
    } catch (SQLException e) {
      out.println("  (PostgreSQL not settled before the phase: " + e.getMessage() + "; phases may differ by vacuum and checkpoint timing)");
    }
  }

  /** COPYs results 0 to {@code count} of {@code gen} in one transaction and returns the seconds it took (generation untimed). */
  static double run(boolean textCopy, int count, ResultGenerator gen, HikariDataSource ds, PrintWriter out) {
    settle(ds, out);
    out.printf(Locale.ROOT, "raw COPY of %d rows (%s) into a scratch table shaped like check_result (partitions, indexes) ...%n", count, textCopy ? "text" : "binary");
    out.flush();
    CopyEncoder enc = new CopyEncoder(textCopy ? CopyEncoder.Format.TEXT : CopyEncoder.Format.BINARY);
    int chunk = 10_000;
    CheckResult[] rows = new CheckResult[chunk];
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        // Shaped exactly like check_result: same columns, indexes, daily partitions and default partition.
        s.execute("DROP TABLE IF EXISTS bench_copy");
        s.execute(
            "CREATE TABLE bench_copy (LIKE check_result INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES) "
                + "PARTITION BY RANGE (started_at)");
        s.execute("CREATE TABLE bench_copy_default PARTITION OF bench_copy DEFAULT");
        try (ResultSet rs =
            s.executeQuery(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    + "WHERE i.inhparent = 'check_result'::regclass AND c.relname <> 'check_result_default'")) {
          List<String> ddl = new ArrayList<>();
          while (rs.next()) {
            ddl.add("CREATE TABLE bench_" + rs.getString(1) + " PARTITION OF bench_copy " + rs.getString(2));
          }
          for (String d : ddl) {
            s.execute(d);
          }
        }
      }
      c.setAutoCommit(false);
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      long timed = 0;
      long copied = 0;
      for (long from = 0; from < count; from += chunk) {
        int n = (int) Math.min(chunk, count - from);
        for (int i = 0; i < n; i++) {
          rows[i] = gen.result(from + i); // generation is not timed
        }
        // One COPY per chunk, timed to its end: PostgreSQL cannot work through buffered rows
        // while the next chunk is generated (that would be free, untimed work for the reference).
        long t0 = System.nanoTime();
        enc.reset();
        for (int i = 0; i < n; i++) {
          enc.add(rows[i]);
        }
        enc.finish();
        CopyIn in = copy.copyIn(enc.copySql("bench_copy"));
        in.writeToCopy(enc.buffer(), 0, enc.length());
        copied += in.endCopy();
        timed += System.nanoTime() - t0;
      }
      long t0 = System.nanoTime();
      c.commit();
      timed += System.nanoTime() - t0;
      if (copied != count) {
        throw new WebmonException("raw COPY wrote " + copied + " rows, expected " + count);
      }
      double seconds = timed / 1e9;
      out.printf(Locale.ROOT, "  %d rows in %.2f s: %.0f rows/s%n", copied, seconds, copied / seconds);
      try (Statement s = c.createStatement()) {
        s.execute("DROP TABLE bench_copy"); // with its partitions
      }
      c.commit();
      return seconds;
    } catch (SQLException e) {
      throw new WebmonException("raw COPY failed: " + e.getMessage(), e);
    }
  }
}
