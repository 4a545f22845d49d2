package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(PostgresExtension.class)
class PostgresExtensionIT {

  @RepeatedTest(2)
  void eachTestGetsItsOwnEmptyDatabase(TestDatabase db) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute("create table results (id bigint primary key)"); // would fail on a shared database
      assertThat(EmbeddedPostgresIT.query(s, "select current_database()")).isEqualTo(db.name());
      assertThat(EmbeddedPostgresIT.query(s, "select current_user")).isEqualTo("webmon");
    }
  }

  @Test
  void sharedServerIsPostgres18(EmbeddedPostgres pg) throws Exception {
    try (Connection c = EmbeddedPostgresIT.connect(pg.postgresConfig()); Statement s = c.createStatement()) {
      assertThat(EmbeddedPostgresIT.query(s, "show server_version")).startsWith("18.");
    }
  }
}
