package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.WebmonException;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.store.Database;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL over TLS as against a managed service: a real server with {@code ssl = on} and a
 * certificate from a generated CA, reached through {@link Database#pool} with {@code
 * postgres.sslmode=VERIFY_FULL} and {@code postgres.ssl-root-cert}.
 */
class PostgresTlsIT {
  @TempDir static Path dir;
  private static CertificateAuthority ca;
  private static EmbeddedPostgres pg;

  @BeforeAll
  static void startServer() {
    ca = CertificateAuthority.create("webmon test PostgreSQL CA");
    pg = EmbeddedPostgres.builder().tls(ca.issueLocalhost()).start();
  }

  @AfterAll
  static void stopServer() {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void verifyFullWithTheRightCaConnectsOverTls() throws Exception {
    Path caFile = writeCa(ca, "right-ca.pem");
    for (String host : List.of("127.0.0.1", "localhost")) {
      PostgresConfig config = verifyFull(pg, host, caFile);
      try (HikariDataSource ds = Database.pool(config, "tls");
          Connection c = ds.getConnection();
          Statement s = c.createStatement()) {
        assertThat(single(s, "SHOW ssl")).isEqualTo("on");
        assertThat(single(s, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).as("TLS over " + host).isEqualTo("t");
        assertThat(single(s, "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).startsWith("TLSv1.");
      }
    }
  }

  @Test
  void aCaThatDidNotSignTheServerCertificateFailsNamingTheRootCertSetting() {
    Path otherCa = writeCa(CertificateAuthority.create("some other CA"), "other-ca.pem");
    PostgresConfig config = verifyFull(pg, "127.0.0.1", otherCa);

    assertThatThrownBy(() -> Database.pool(config, "tls").close())
        .isInstanceOf(WebmonException.class)
        .hasMessageContaining("postgres.ssl-root-cert")
        .hasMessageContaining(otherCa.toString())
        .hasMessageNotContaining(pg.password().reveal());
  }

  @Test
  void aCertificateForAnotherHostFailsNamingTheHostAndTheSslMode() throws Exception {
    CertificateAuthority otherCa = CertificateAuthority.create("webmon test CA for another host");
    Path caFile = writeCa(otherCa, "another-host-ca.pem");
    try (EmbeddedPostgres other =
        EmbeddedPostgres.builder().tls(otherCa.issueServer("db.example.internal", List.of("db.example.internal"), List.of())).start()) {
      PostgresConfig config = verifyFull(other, "127.0.0.1", caFile);

      assertThatThrownBy(() -> Database.pool(config, "tls").close())
          .isInstanceOf(WebmonException.class)
          .hasMessageContaining("postgres.sslmode")
          .hasMessageContaining("'127.0.0.1'")
          .hasMessageContaining("postgres.url")
          .hasMessageNotContaining(other.password().reveal());
    }
  }

  private static PostgresConfig verifyFull(EmbeddedPostgres server, String host, Path caFile) {
    return PostgresConfig.from(
        Settings.of(
            Map.of(
                "postgres.url", "jdbc:postgresql://" + host + ":" + server.port() + "/" + EmbeddedPostgres.DATABASE,
                "postgres.user", server.user(),
                "postgres.password", server.password().reveal(),
                "postgres.sslmode", "VERIFY_FULL",
                "postgres.ssl-root-cert", caFile.toString(),
                "postgres.pool-size", "1",
                "postgres.connect-timeout", "5s")));
  }

  private static Path writeCa(CertificateAuthority authority, String name) {
    Path file = dir.resolve(name);
    CertificateAuthority.writeString(file, authority.certificatePem(), false);
    assertThat(Files.exists(file)).isTrue();
    return file;
  }

  private static String single(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
