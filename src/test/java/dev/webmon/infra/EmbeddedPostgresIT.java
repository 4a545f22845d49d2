package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.PostgresConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresIT {

  @Test
  void runsPostgres18AndKeepsDataAcrossRestarts(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("pg");
    int port;
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(data).start()) {
      port = pg.port();
      try (Connection c = connect(pg.postgresConfig()); Statement s = c.createStatement()) {
        assertThat(query(s, "select version()")).startsWith("PostgreSQL 18.");
        assertThat(query(s, "select current_user")).isEqualTo("webmon");
        s.execute("create table kept (v text)");
        s.execute("insert into kept values ('survives restart')");
      }
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().dataDir(data).start()) {
      assertThat(pg.port()).isEqualTo(port);
      try (Connection c = connect(pg.postgresConfig()); Statement s = c.createStatement()) {
        assertThat(query(s, "select v from kept")).isEqualTo("survives restart");
      }
    }
  }

  @Test
  void fsyncIsOnOnlyWhenDurable() throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().durable(true).start();
        Connection c = connect(pg.postgresConfig());
        Statement s = c.createStatement()) {
      assertThat(query(s, "show fsync")).isEqualTo("on");
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
        Connection c = connect(pg.postgresConfig());
        Statement s = c.createStatement()) {
      assertThat(query(s, "show fsync")).isEqualTo("off");
    }
  }

  @Test
  void requiresThePassword() {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      Properties p = new Properties();
      p.setProperty("user", pg.user());
      p.setProperty("password", "wrong");
      assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl(), p).close())
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      p.setProperty("user", "postgres");
      assertThatThrownBy(() -> DriverManager.getConnection(pg.jdbcUrl("postgres"), p).close())
          .isInstanceOf(SQLException.class);
    }
  }

  static Connection connect(PostgresConfig config) throws SQLException {
    return DriverManager.getConnection(config.url(), config.jdbcProperties());
  }

  static String query(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
