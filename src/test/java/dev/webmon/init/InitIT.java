package dev.webmon.init;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.WebmonException;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith({KafkaExtension.class, PostgresExtension.class})
class InitIT {

  private static TopicsConfig topics(String prefix) {
    return TopicsConfig.from(Settings.of(Map.of("topics.prefix", prefix, "topics.partitions", "4")));
  }

  @Test
  void firstRunCreatesEverythingAndSecondRunIsANoOp(EmbeddedKafka kafka, TestDatabase db) throws Exception {
    String prefix = KafkaExtension.uniqueTopic("init");
    Initializer init = new Initializer(kafka.kafkaConfig(), topics(prefix), db.config());

    Initializer.Report first = init.run();

    assertThat(first.topics()).extracting(TopicInitializer.TopicReport::status).containsOnly(TopicInitializer.Status.CREATED);
    assertThat(first.schema().migrationsApplied()).isPositive();
    assertThat(first.changedAnything()).isTrue();
    try (Admin admin = Admin.create(kafka.kafkaConfig().clientProperties())) {
      assertThat(admin.listTopics().names().get()).contains(prefix + ".targets", prefix + ".results", prefix + ".dlq",
          prefix + ".incidents", prefix + ".incident-commands", prefix + ".alert-policies", prefix + ".maintenance");
      ConfigResource targets = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".targets");
      assertThat(admin.describeConfigs(List.of(targets)).all().get().get(targets).get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(admin.describeTopics(List.of(prefix + ".results")).allTopicNames().get().get(prefix + ".results").partitions()).hasSize(4);
    }
    assertThat(tables(db)).contains("target", "check_result", "target_status", "sink_offset", "check_rollup_hourly");
    assertThat(tables(db)).anyMatch(t -> t.startsWith("check_result_p"));
    assertThat(views(db)).contains("targets_every_1m", "targets_every_30m");

    Initializer.Report second = init.run();

    assertThat(second.topics()).extracting(TopicInitializer.TopicReport::status).containsOnly(TopicInitializer.Status.OK);
    assertThat(second.schema().migrationsApplied()).isZero();
    assertThat(second.changedAnything()).isFalse();
    assertThat(second.lines()).last().asString().contains("nothing to do");
  }

  @Test
  void aConflictingTopicIsReportedWithTheCommandThatFixesIt(EmbeddedKafka kafka, TestDatabase db) throws Exception {
    String prefix = KafkaExtension.uniqueTopic("conflict");
    try (Admin admin = Admin.create(kafka.kafkaConfig().clientProperties())) {
      admin
          .createTopics(List.of(new NewTopic(prefix + ".results", 2, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
    }

    Initializer.Report report = new Initializer(kafka.kafkaConfig(), topics(prefix), db.config()).run();

    assertThat(report.hasConflicts()).isTrue();
    TopicInitializer.TopicReport results =
        report.topics().stream().filter(t -> t.topic().equals(prefix + ".results")).findFirst().orElseThrow();
    assertThat(results.status()).isEqualTo(TopicInitializer.Status.CONFLICT);
    assertThat(results.message())
        .contains("cleanup.policy=compact, expected delete")
        .contains("kafka-configs.sh --bootstrap-server " + kafka.bootstrapServers())
        .contains("--entity-name " + prefix + ".results --add-config cleanup.policy=delete")
        .contains("has 2 partitions, expected 4")
        .contains("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers() + " --alter --topic " + prefix + ".results --partitions 4");
    // the conflict is reported, not "fixed" behind the operator's back
    try (Admin admin = Admin.create(kafka.kafkaConfig().clientProperties())) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, prefix + ".results");
      ConfigEntry policy = admin.describeConfigs(List.of(r)).all().get().get(r).get("cleanup.policy");
      assertThat(policy.value()).isEqualTo("compact");
    }
  }

  @Test
  void unreachableKafkaFailsWithinTheRequestTimeout(TestDatabase db) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    KafkaConfig kafka =
        KafkaConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", "127.0.0.1:" + closedPort, "kafka.request-timeout", "3s")));
    long start = System.nanoTime();
    assertThatThrownBy(() -> new Initializer(kafka, topics("unreachable"), db.config()).run())
        .isInstanceOf(WebmonException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("did not answer within 3s");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void unreachablePostgresFailsWithinTheConnectTimeout(EmbeddedKafka kafka) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    PostgresConfig pg =
        PostgresConfig.from(
            Settings.of(
                Map.of(
                    "postgres.url", "jdbc:postgresql://127.0.0.1:" + closedPort + "/webmon",
                    "postgres.password", "do-not-print-me",
                    "postgres.connect-timeout", "2s")));
    long start = System.nanoTime();
    assertThatThrownBy(() -> new Initializer(kafka.kafkaConfig(), topics(KafkaExtension.uniqueTopic("pgdown")), pg).run())
        .isInstanceOf(WebmonException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("unreachable")
        .hasMessageNotContaining("do-not-print-me");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  private static List<String> tables(TestDatabase db) throws SQLException {
    return names(db, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
  }

  private static List<String> views(TestDatabase db) throws SQLException {
    return names(db, "SELECT viewname FROM pg_views WHERE schemaname = 'public'");
  }

  private static List<String> names(TestDatabase db, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = db.connect();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    assertThat(Set.copyOf(out)).hasSameSizeAs(out);
    return out;
  }
}
