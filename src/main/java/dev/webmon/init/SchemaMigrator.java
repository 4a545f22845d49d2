package dev.webmon.init;

import dev.webmon.WebmonException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Migrates the PostgreSQL schema with Flyway and prepares the first daily partitions. */
public final class SchemaMigrator {
  /** Days of partitions created before and after today at init. */
  static final int DAYS_BACK = 1;

  static final int DAYS_AHEAD = 7;

  private final DataSource dataSource;

  public SchemaMigrator(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** What a migration did. */
  public record Report(int migrationsApplied, String schemaVersion, int partitionsCreated) {
    public boolean changedAnything() {
      return migrationsApplied > 0 || partitionsCreated > 0;
    }
  }

  public Report migrate() {
    MigrateResult result;
    try {
      result =
          Flyway.configure()
              .dataSource(dataSource)
              .locations("classpath:db/migration")
              .failOnMissingLocations(true)
              .load()
              .migrate();
    } catch (FlywayException e) {
      throw new WebmonException("Schema migration failed: " + e.getMessage(), e);
    }
    int partitions = ensurePartitions(dataSource, DAYS_BACK, DAYS_AHEAD);
    String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
    return new Report(result.migrationsExecuted, version, partitions);
  }

  /** Creates missing daily result partitions; returns how many were created. */
  public static int ensurePartitions(DataSource dataSource, int daysBack, int daysAhead) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT webmon_ensure_partitions(?, ?)")) {
      ps.setInt(1, daysBack);
      ps.setInt(2, daysAhead);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new WebmonException("Creating result partitions failed: " + e.getMessage(), e);
    }
  }
}
