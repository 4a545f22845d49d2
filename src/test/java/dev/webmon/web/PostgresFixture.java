package dev.webmon.web;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.PostgresConfig;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.store.Database;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded PostgreSQL per test JVM (started on first use, stopped at the end of the run) and a
 * fresh, migrated database per caller, so web tests never see each other's rows.
 */
final class PostgresFixture {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresFixture.class);

  private PostgresFixture() {}

  static EmbeddedPostgres shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(EmbeddedPostgres.class, k -> EmbeddedPostgres.builder().start(), EmbeddedPostgres.class);
  }

  /** A new database with the webmon schema, and a pool on it (the caller closes the pool). */
  static HikariDataSource freshDatabase(ExtensionContext context, String prefix) {
    EmbeddedPostgres pg = shared(context);
    String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT);
    PostgresConfig config = pg.createDatabase(name);
    HikariDataSource ds = Database.pool(config, "test-" + name);
    new SchemaMigrator(ds).migrate();
    return ds;
  }
}
