package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Secret;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.init.TopicInitializer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL_SSL with SCRAM-SHA-512 as managed Kafka services hand it out (a CA file, a user name and a
 * password), against a real broker listener configured for it.
 */
class KafkaSaslSslIT {
  private static final String USER = "webmon-service";
  private static final Secret PASSWORD = new Secret("scram-" + UUID.randomUUID());
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().saslSslListener(USER, PASSWORD).start();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theRightPasswordProducesConsumesAndInitCreatesTheTopics() throws Exception {
    Path passwordFile = dir.resolve("kafka-password");
    CertificateAuthority.writeString(passwordFile, PASSWORD.reveal(), true);
    KafkaConfig config = config(Map.of("kafka.sasl.password-file", passwordFile.toString()));

    EmbeddedKafkaIT.roundTrip(config, KafkaExtension.uniqueTopic("sasl"));

    String prefix = KafkaExtension.uniqueTopic("sasl-init");
    try (TopicInitializer init = new TopicInitializer(config, topics(prefix))) {
      var reports = init.apply();
      assertThat(reports)
          .extracting(TopicInitializer.TopicReport::topic)
          .containsExactly(prefix + ".targets", prefix + ".results", prefix + ".dlq", prefix + ".incidents",
              prefix + ".incident-commands", prefix + ".alert-policies", prefix + ".maintenance");
      assertThat(reports).extracting(TopicInitializer.TopicReport::status).containsOnly(TopicInitializer.Status.CREATED);
    }
  }

  @Test
  void aWrongPasswordFailsAtStartNamingTheSettingsAndNotTheSecret() {
    String wrong = "wrong-" + UUID.randomUUID();
    KafkaConfig config = config(Map.of("kafka.sasl.password", wrong, "kafka.request-timeout", "10s"));

    long start = System.nanoTime();
    assertThatThrownBy(
            () -> {
              try (TopicInitializer init = new TopicInitializer(config, topics(KafkaExtension.uniqueTopic("sasl-wrong")))) {
                init.apply();
              }
            })
        .isInstanceOf(WebmonException.class)
        .hasMessageContaining(kafka.saslSslBootstrapServers())
        .hasMessageContaining("'" + USER + "'")
        .hasMessageContaining("kafka.sasl.username")
        .hasMessageContaining("kafka.sasl.password")
        .hasMessageNotContaining(wrong)
        .hasMessageNotContaining(PASSWORD.reveal());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aCaThatDidNotSignTheBrokerCertificateFailsNamingTheCaSetting() {
    Path otherCa = dir.resolve("other-ca.pem");
    CertificateAuthority.writeString(otherCa, CertificateAuthority.create("some other CA").certificatePem(), false);
    KafkaConfig config = config(Map.of("kafka.sasl.password", PASSWORD.reveal(), "kafka.ssl.ca-file", otherCa.toString()));

    assertThatThrownBy(
            () -> {
              try (TopicInitializer init = new TopicInitializer(config, topics(KafkaExtension.uniqueTopic("sasl-ca")))) {
                init.apply();
              }
            })
        .isInstanceOf(WebmonException.class)
        .hasMessageContaining("TLS handshake failed")
        .hasMessageContaining("kafka.ssl.ca-file")
        .hasMessageNotContaining(PASSWORD.reveal());
  }

  /** The settings a user of a managed service writes; extra ones add or replace. */
  private static KafkaConfig config(Map<String, String> extra) {
    Map<String, String> s = new HashMap<>();
    s.put("kafka.bootstrap-servers", kafka.saslSslBootstrapServers());
    s.put("kafka.security-protocol", "SASL_SSL");
    s.put("kafka.ssl.ca-file", kafka.sslClientFiles().caFile().toString());
    s.put("kafka.sasl.mechanism", "SCRAM_SHA_512");
    s.put("kafka.sasl.username", USER);
    s.putAll(extra);
    return KafkaConfig.from(Settings.of(s));
  }

  private static TopicsConfig topics(String prefix) {
    return TopicsConfig.from(Settings.of(Map.of("topics.prefix", prefix, "topics.partitions", "1")));
  }
}
