package dev.webmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
  private static final KeyCatalog CATALOG =
      KeyCatalog.builder()
          .group("Kafka", KafkaConfig.KEYS)
          .group("Topics", TopicsConfig.KEYS)
          .group("PostgreSQL", PostgresConfig.KEYS)
          .build();

  @TempDir Path dir;

  private Path file(String name, String content, String perms) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    return p;
  }

  @Test
  void precedenceIsFlagThenEnvThenFileThenDotEnvThenDefault() throws IOException {
    Path config = file("webmon.properties", "kafka.bootstrap-servers=file:1\ntopics.prefix=fromfile\ntopics.partitions=7\n", "rw-------");
    file(".env", "WEBMON_KAFKA_BOOTSTRAP_SERVERS=dotenv:1\nWEBMON_TOPICS_PREFIX=dotenv\nWEBMON_POSTGRES_USER=fromdotenv\ntopics.replication-factor=2\n", "rw-------");
    Map<String, String> env = Map.of("WEBMON_KAFKA_BOOTSTRAP_SERVERS", "env:1", "WEBMON_TOPICS_PREFIX", "fromenv", "PATH", "/bin");

    Settings s = Settings.load(CATALOG, Map.of("kafka.bootstrap-servers", "flag:1"), env, config, dir);

    assertThat(s.get(KafkaConfig.BOOTSTRAP_SERVERS)).isEqualTo("flag:1");
    assertThat(s.get(TopicsConfig.PREFIX)).isEqualTo("fromenv");
    assertThat(s.get(TopicsConfig.PARTITIONS)).isEqualTo(7);
    assertThat(s.get(PostgresConfig.USER)).isEqualTo("fromdotenv");
    assertThat(s.get(TopicsConfig.REPLICATION_FACTOR)).isEqualTo(2);
    assertThat(s.get(TopicsConfig.RESULTS_RETENTION)).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void envNamesFollowTheConvention() {
    assertThat(KafkaConfig.BOOTSTRAP_SERVERS.envName()).isEqualTo("WEBMON_KAFKA_BOOTSTRAP_SERVERS");
    assertThat(KafkaConfig.SSL_CA_FILE.envName()).isEqualTo("WEBMON_KAFKA_SSL_CA_FILE");
    assertThat(KafkaConfig.BOOTSTRAP_SERVERS.flag()).isEqualTo("--kafka-bootstrap-servers");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "topics.partitions|zero|an integer from 1 to 10000",
        "topics.partitions|0|an integer from 1 to 10000",
        "topics.partitions|10001|an integer from 1 to 10000",
        "topics.replication-factor|-1|an integer from 0 to 32",
        "topics.results-retention|soon|a duration such as",
        "topics.results-retention|1m|from 1h",
        "topics.dlq-retention|5x|a duration such as",
        "topics.prefix|bad prefix!|letters, digits",
        "kafka.security-protocol|TLS|PLAINTEXT, SSL, SASL_SSL",
        "kafka.sasl.mechanism|GSSAPI|SCRAM_SHA_256, SCRAM_SHA_512, PLAIN",
        "kafka.ssl.verify-hostname|maybe|true or false",
        "kafka.request-timeout|0s|from 1s",
        "kafka.bootstrap-servers|'  '|non-empty",
        "postgres.url|postgres://x/y|jdbc:postgresql://",
        "postgres.sslmode|sometimes|DISABLE, ALLOW, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL",
        "postgres.pool-size|0|an integer from 1 to 500",
        "postgres.connect-timeout|forever|a duration such as",
      })
  void aBadValueFailsNamingTheKeyAndTheAcceptedValues(String key, String value, String accepted) {
    Settings s = Settings.of(Map.of(key, value));
    assertThatThrownBy(() -> {
          KafkaConfig.from(s);
          TopicsConfig.from(s);
          PostgresConfig.from(s);
        })
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'")
        .hasMessageContaining(accepted)
        .hasMessageContaining("flag --" + key.replace('.', '-'));
  }

  @Test
  void aBadEnvironmentValueNamesTheVariable() {
    Settings s = Settings.load(CATALOG, Map.of(), Map.of("WEBMON_TOPICS_PARTITIONS", "many"), dir);
    assertThatThrownBy(() -> TopicsConfig.from(s))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topics.partitions")
        .hasMessageContaining("WEBMON_TOPICS_PARTITIONS");
  }

  @Test
  void unknownKeysInTheConfigFileAreRejected() throws IOException {
    Path config = file("c.properties", "kafka.bootstrap-server=typo:1\n", "rw-r--r--");
    assertThatThrownBy(() -> Settings.load(CATALOG, Map.of(), Map.of(), config, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.bootstrap-server");
  }

  @Test
  void aConfigFileWithASecretReadableByOthersIsRefusedWithTheChmodToRun() throws IOException {
    Path config = file("c.properties", "postgres.user=webmon\npostgres.password=hunter2\n", "rw-r--r--");
    assertThatThrownBy(() -> Settings.load(CATALOG, Map.of(), Map.of(), config, dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--config")
        .hasMessageContaining("chmod 600 " + config)
        .hasMessageNotContaining("hunter2");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    assertThat(Settings.load(CATALOG, Map.of(), Map.of(), config, dir).get(PostgresConfig.PASSWORD).reveal()).isEqualTo("hunter2");
  }

  @Test
  void aConfigFileWithoutSecretsMayBeReadableByOthers() throws IOException {
    Path config = file("c.properties", "topics.partitions=3\n", "rw-r--r--");
    assertThat(Settings.load(CATALOG, Map.of(), Map.of(), config, dir).get(TopicsConfig.PARTITIONS)).isEqualTo(3);
  }

  @Test
  void aDotEnvReadableByOthersIsRefusedWithTheChmodToRun() throws IOException {
    Path env = file(".env", "WEBMON_POSTGRES_PASSWORD=hunter2\n", "rw-r--r--");
    assertThatThrownBy(() -> Settings.load(CATALOG, Map.of(), Map.of(), dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600 " + env)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void aPasswordFileReadableByGroupIsRefused() throws IOException {
    Path pw = file("pg.pw", "s3cr3t-value\n", "rw-r-----");
    Settings s = Settings.of(Map.of("postgres.password-file", pw.toString()));
    assertThatThrownBy(() -> PostgresConfig.from(s))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600 " + pw)
        .hasMessageNotContaining("s3cr3t-value");
  }

  @Test
  void aPrivatePasswordFileIsRead() throws IOException {
    Path pw = file("pg.pw", "s3cr3t-value\n", "rw-------");
    PostgresConfig pg = PostgresConfig.from(Settings.of(Map.of("postgres.password-file", pw.toString())));
    assertThat(pg.password().reveal()).isEqualTo("s3cr3t-value");
    assertThat(pg.toString()).doesNotContain("s3cr3t-value");
    assertThat(pg.password().toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void aClientKeyReadableByOthersIsRefused() throws IOException {
    Path ca = file("ca.pem", "x", "rw-r--r--");
    Path cert = file("service.cert", "x", "rw-r--r--");
    Path key = file("service.key", "x", "rw-r--r--");
    Settings s =
        Settings.of(
            Map.of(
                "kafka.security-protocol", "SSL",
                "kafka.ssl.ca-file", ca.toString(),
                "kafka.ssl.cert-file", cert.toString(),
                "kafka.ssl.key-file", key.toString()));
    assertThatThrownBy(() -> KafkaConfig.from(s))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chmod 600 " + key);
  }

  @Test
  void aSecretValueIsNeverEchoedInErrors() {
    ConfigKey<Integer> secretNumber =
        new ConfigKey<>("test.secret-number", Optional.empty(), "x", Parser.intInRange(1, 2), true);
    Settings s = Settings.of(Map.of("test.secret-number", "topsecret-42"));
    assertThatThrownBy(() -> s.get(secretNumber)).hasMessageNotContaining("topsecret-42").hasMessageContaining("test.secret-number");
  }

  @Test
  void saslWithoutCredentialsNamesTheMissingKeys() {
    Settings s = Settings.of(Map.of("kafka.security-protocol", "SASL_SSL"));
    assertThatThrownBy(() -> KafkaConfig.from(s))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.sasl.username")
        .hasMessageContaining("kafka.sasl.password");
  }

  @Test
  void saslJaasConfigCarriesThePasswordButToStringDoesNot() {
    KafkaConfig k =
        KafkaConfig.from(
            Settings.of(
                Map.of(
                    "kafka.security-protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "SCRAM-SHA-512",
                    "kafka.sasl.username", "avnadmin",
                    "kafka.sasl.password", "pa\"ss")));
    assertThat(k.clientProperties().get("sasl.mechanism")).isEqualTo("SCRAM-SHA-512");
    assertThat(((org.apache.kafka.common.config.types.Password) k.clientProperties().get("sasl.jaas.config")).value())
        .contains("username=\"avnadmin\"")
        .contains("password=\"pa\\\"ss\"");
    assertThat(k.toString()).doesNotContain("pa\"ss");
    assertThat(k.clientProperties().toString()).doesNotContain("pa\"ss");
  }
}
