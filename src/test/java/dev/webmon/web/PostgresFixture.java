package dev.webmon.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.PostgresConfig;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.store.Database;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared test PostgreSQL of {@link PostgresExtension} and a fresh, migrated database per
 * caller, so web tests never see each other's rows.
 */
final class PostgresFixture {
  private PostgresFixture() {}

  static EmbeddedPostgres shared(ExtensionContext context) {
    return PostgresExtension.shared(context);
  }

  /** A new database with the webmon schema, and a pool on it (the caller closes the pool). */
  static HikariDataSource freshDatabase(ExtensionContext context, String prefix) {
    EmbeddedPostgres pg = shared(context);
    String name = (prefix + "_" + PostgresExtension.uniqueDatabaseName()).toLowerCase(Locale.ROOT);
    PostgresConfig config = pg.createDatabase(name);
    HikariDataSource ds = Database.pool(config, "test-" + name);
    new SchemaMigrator(ds).migrate();
    return ds;
  }
}
