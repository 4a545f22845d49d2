package dev.webmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class PostgresConfigTest {

  private static PostgresConfig config(String url, String sslMode) {
    return PostgresConfig.from(
        Settings.of(Map.of("postgres.url", url, "postgres.sslmode", sslMode, "postgres.password", "s3cret-pw")));
  }

  @Test
  void anUntrustedCertificateUnderVerificationNamesTheRootCertSetting() {
    SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
    handshake.initCause(new CertificateException("unable to find valid certification path"));
    Throwable failure = new RuntimeException("pool", new SQLException("SSL error", "08006", handshake));

    assertThat(config("jdbc:postgresql://db:5432/webmon", "VERIFY_CA").failureHint(failure))
        .contains("'postgres.ssl-root-cert' (not set")
        .contains("postgres.sslmode=VERIFY_CA")
        .doesNotContain("s3cret-pw");
  }

  @Test
  void aHostNameMismatchNamesTheHostsOfTheUrlWithoutPorts() {
    Throwable failure = new SQLException("The hostname db-1 could not be verified by hostnameverifier PgjdbcHostnameVerifier.", "08006");

    assertThat(config("jdbc:postgresql://db-1:5432,db-2/webmon?ssl=true", "VERIFY_FULL").failureHint(failure))
        .contains("host 'db-1,db-2' of 'postgres.url'")
        .contains("postgres.sslmode=VERIFY_FULL");
  }

  @Test
  void otherFailuresPointAtTheLoginSettings() {
    Throwable failure = new SQLException("The hostname db-1 could not be verified", "08006");

    assertThat(config("jdbc:postgresql://db-1/webmon", "REQUIRE").failureHint(failure))
        .isEqualTo("Check postgres.url, postgres.user and the password, and that the server is running.");
  }

  @Test
  void aPasswordInTheUrlIsNeverShown() {
    PostgresConfig c = config("jdbc:postgresql://db/webmon?user=app&password=url-s3cret&sslpassword=key-s3cret&ssl=true", "PREFER");
    assertThat(c.shownUrl()).isEqualTo("jdbc:postgresql://db/webmon?user=app&password=******&sslpassword=******&ssl=true");
    assertThat(c.toString()).doesNotContain("s3cret").contains("password=******");
    assertThat(config("jdbc:postgresql://db/webmon?PASSWORD=x1", "PREFER").toString()).doesNotContain("x1");
    assertThat(config("jdbc:postgresql://db/webmon", "PREFER").shownUrl()).isEqualTo("jdbc:postgresql://db/webmon");
  }
}
