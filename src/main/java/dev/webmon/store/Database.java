package dev.webmon.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.webmon.WebmonException;
import dev.webmon.config.PostgresConfig;

/** Opens the PostgreSQL connection pool of a component, failing fast when it is unreachable. */
public final class Database {
  private Database() {}

  /**
   * A pool for the given config. Fails within the configured connect timeout with a message
   * naming the URL (never the password) when PostgreSQL cannot be reached.
   */
  public static HikariDataSource pool(PostgresConfig config, String name) {
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("webmon-" + name);
    hc.setJdbcUrl(config.url());
    hc.setDataSourceProperties(config.jdbcProperties());
    hc.setUsername(config.user());
    if (!config.password().isEmpty()) {
      hc.setPassword(config.password().reveal());
    }
    hc.setMaximumPoolSize(config.poolSize());
    hc.setMinimumIdle(Math.min(2, config.poolSize()));
    hc.setConnectionTimeout(Math.max(250, config.connectTimeout().toMillis()));
    hc.setInitializationFailTimeout(Math.max(1, config.connectTimeout().toMillis()));
    try {
      return new HikariDataSource(hc);
    } catch (HikariPool.PoolInitializationException e) {
      throw new WebmonException(
          "PostgreSQL at "
              + config.shownUrl()
              + " is unreachable or refused the login within "
              + config.connectTimeout().toSeconds()
              + "s: "
              + rootMessage(e)
              + ". "
              + config.failureHint(e),
          e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage();
  }
}
