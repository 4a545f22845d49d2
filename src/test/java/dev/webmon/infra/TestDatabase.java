package dev.webmon.infra;

import dev.webmon.config.PostgresConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * A fresh database on the shared test PostgreSQL, owned by user {@code webmon}; {@link #close()}
 * drops it. Obtain one as a parameter with {@link PostgresExtension}.
 *
 * @param name the database name
 * @param config connection settings (URL, user {@code webmon}, password)
 * @param server the server it lives on
 */
public record TestDatabase(String name, PostgresConfig config, EmbeddedPostgres server) implements AutoCloseable {

  static TestDatabase create(EmbeddedPostgres server, String name) {
    return new TestDatabase(name, server.createDatabase(name), server);
  }

  /** The JDBC URL of this database. */
  public String jdbcUrl() {
    return config.url();
  }

  /** A new connection as user {@code webmon}; the caller closes it. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection(config.url(), config.jdbcProperties());
  }

  @Override
  public void close() {
    server.dropDatabase(name);
  }
}
