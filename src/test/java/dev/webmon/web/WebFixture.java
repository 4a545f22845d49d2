package dev.webmon.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.check.AddressPolicy;
import dev.webmon.config.KafkaConfig;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A running {@link WebApp} on loopback against the shared real Kafka broker (its own compacted
 * targets topic) and a fresh PostgreSQL database, plus an HTTP client that speaks to it.
 */
final class WebFixture implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";
  static final String TOKEN = "test-token-0123456789abcdef";

  final EmbeddedKafka kafka;
  final HikariDataSource db;
  final String topic;
  /** The fixture's alert-policies topic (compacted, one partition). */
  final String policyTopic;
  /** The incident-commands topic acks go to. */
  final String commandsTopic;
  /** The fixture's maintenance topic (compacted, one partition). */
  final String maintenanceTopic;
  final TargetPublisher publisher;
  final PolicyPublisher policies;
  final WebApp app;
  final Client client;

  /** For tests whose web app never writes policies: drops what it is given. */
  static final PolicyPublisher DISCARD_POLICIES =
      new PolicyPublisher() {
        @Override
        public void publish(dev.webmon.event.AlertPolicySpec spec) {}

        @Override
        public void delete(String name) {}
      };

  private WebFixture(
      EmbeddedKafka kafka,
      HikariDataSource db,
      String topic,
      String policyTopic,
      String commandsTopic,
      String maintenanceTopic,
      TargetPublisher publisher,
      PolicyPublisher policies,
      WebApp app) {
    this.kafka = kafka;
    this.db = db;
    this.topic = topic;
    this.policyTopic = policyTopic;
    this.commandsTopic = commandsTopic;
    this.maintenanceTopic = maintenanceTopic;
    this.publisher = publisher;
    this.policies = policies;
    this.app = app;
    this.client = new Client("http://127.0.0.1:" + app.port());
  }

  static WebFixture start(ExtensionContext context, boolean openReads) {
    return start(context, openReads, AddressPolicy.allowingAll(), Clock.systemUTC());
  }

  static WebFixture start(ExtensionContext context, boolean openReads, AddressPolicy addresses, Clock clock) {
    return start(context, openReads, addresses, clock, Map.of());
  }

  /** @param settings more web settings (key to value) on top of the test defaults */
  static WebFixture start(
      ExtensionContext context, boolean openReads, AddressPolicy addresses, Clock clock, Map<String, String> settings) {
    EmbeddedKafka kafka = KafkaExtension.shared(context);
    String topic = KafkaExtension.uniqueTopic("targets");
    createCompactedTopic(kafka.kafkaConfig(), topic);
    String policyTopic = KafkaExtension.uniqueTopic("alert-policies");
    createCompactedTopic(kafka.kafkaConfig(), policyTopic, 1);
    String maintenanceTopic = KafkaExtension.uniqueTopic("maintenance");
    createCompactedTopic(kafka.kafkaConfig(), maintenanceTopic, 1);
    HikariDataSource db = PostgresFixture.freshDatabase(context, "web");
    Map<String, String> values = new HashMap<>();
    values.put(WebConfig.PORT.name(), "0");
    values.put(WebConfig.BIND_ADDRESS.name(), "127.0.0.1");
    values.put(WebConfig.ADMIN_PASSWORD.name(), PASSWORD);
    values.put(WebConfig.API_TOKEN.name(), TOKEN);
    values.put(WebConfig.OPEN_READS.name(), Boolean.toString(openReads));
    values.putAll(settings);
    WebConfig config = WebConfig.from(dev.webmon.config.Settings.of(values));
    String commandsTopic = KafkaExtension.uniqueTopic("incident-commands");
    createTopic(kafka.kafkaConfig(), commandsTopic, 3, Map.of("cleanup.policy", "delete"));
    KafkaTargetPublisher publisher = KafkaTargetPublisher.create(kafka.kafkaConfig(), topic, config.publishTimeout());
    PolicyPublisher policies = publisher.policies(policyTopic);
    WebApp app =
        WebApp.create(
                config, db, publisher, policies, publisher.maintenance(maintenanceTopic), publisher.incidentCommands(commandsTopic),
                addresses, clock,
                new io.micrometer.core.instrument.composite.CompositeMeterRegistry())
            .start();
    return new WebFixture(kafka, db, topic, policyTopic, commandsTopic, maintenanceTopic, publisher, policies, app);
  }

  static void createCompactedTopic(KafkaConfig kafka, String topic) {
    createCompactedTopic(kafka, topic, 3);
  }

  static void createCompactedTopic(KafkaConfig kafka, String topic, int partitions) {
    createTopic(kafka, topic, partitions, Map.of("cleanup.policy", "compact"));
  }

  static void createTopic(KafkaConfig kafka, String topic, int partitions, Map<String, String> configs) {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + topic, e);
    }
  }

  String base() {
    return "http://127.0.0.1:" + app.port();
  }


  // ---------------------------------------------------------------- HTTP

  record Response(int status, String body, java.net.http.HttpHeaders headers) {
    JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }

    Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  Response send(String method, String path, Optional<String> token, Optional<String> body, String contentType) {
    return client.send(method, path, token, body, contentType);
  }

  Response get(String path) {
    return client.get(path);
  }

  Response post(String path, String json) {
    return client.post(path, json);
  }

  Response put(String path, String json) {
    return client.put(path, json);
  }

  Response delete(String path) {
    return client.delete(path);
  }

  /** An API client for a base URL, sending the test token. */
  static final class Client {
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Client(String base) {
      this.base = base;
    }

    Response send(String method, String path, Optional<String> token, Optional<String> body, String contentType) {
      return send(method, path, token, body, contentType, Map.of());
    }

    /** A JSON request with the token and an If-Match header. */
    Response sendWithIfMatch(String method, String path, String json, String ifMatch) {
      return send(method, path, Optional.of(TOKEN), Optional.of(json), "application/json", Map.of("If-Match", ifMatch));
    }

    private Response send(
        String method, String path, Optional<String> token, Optional<String> body, String contentType, Map<String, String> headers) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
      token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
      headers.forEach(b::header);
      if (body.isPresent()) {
        b.header("Content-Type", contentType);
        b.method(method, HttpRequest.BodyPublishers.ofString(body.get()));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    Response get(String path) {
      return send("GET", path, Optional.of(TOKEN), Optional.empty(), "");
    }

    Response post(String path, String json) {
      return send("POST", path, Optional.of(TOKEN), Optional.of(json), "application/json");
    }

    Response put(String path, String json) {
      return send("PUT", path, Optional.of(TOKEN), Optional.of(json), "application/json");
    }

    Response delete(String path) {
      return send("DELETE", path, Optional.of(TOKEN), Optional.empty(), "");
    }
  }

  // ---------------------------------------------------------------- state

  long targetRows() {
    return queryLong("SELECT count(*) FROM target");
  }

  long queryLong(String sql) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void execute(String sql, Object... params) {
    try (Connection c = db.getConnection();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      ps.execute();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sum of the end offsets of the targets topic: grows by one per published record. */
  long topicEndOffset() {
    return endOffset(kafka.kafkaConfig(), topic);
  }

  static long endOffset(KafkaConfig kafka, String topic) {
    try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
      List<TopicPartition> parts = partitions(c, topic);
      return c.endOffsets(parts, Duration.ofSeconds(10)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Stored alert policies (rows a create in flight holds at version 0 do not count). */
  long policyRows() {
    return queryLong("SELECT count(*) FROM alert_policy WHERE version > 0");
  }

  /** End offset of the alert-policies topic: grows by one per published record. */
  long policyTopicEndOffset() {
    return endOffset(kafka.kafkaConfig(), policyTopic);
  }

  /** Every record of the alert-policies topic, in order (key, value or null for a tombstone). */
  List<ConsumerRecord<String, byte[]>> policyRecords() {
    return records(kafka.kafkaConfig(), policyTopic);
  }

  /** Every record of the maintenance topic, in order (key, value or null for a tombstone). */
  List<ConsumerRecord<String, byte[]>> maintenanceRecords() {
    return records(kafka.kafkaConfig(), maintenanceTopic);
  }

  /** Every record of the targets topic, in partition order (key, value or null for a tombstone). */
  List<ConsumerRecord<String, byte[]>> topicRecords() {
    return records(kafka.kafkaConfig(), topic);
  }

  /** Every record of {@code topic}, in partition order. */
  static List<ConsumerRecord<String, byte[]>> records(KafkaConfig kafka, String topic) {
    try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
      List<TopicPartition> parts = partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(10));
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (parts.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(10)) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end in 20 s");
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
    return c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition()))
        .toList();
  }

  private static KafkaConsumer<String, byte[]> consumer(KafkaConfig kafka) {
    Properties p = new Properties();
    p.putAll(new HashMap<>(kafka.clientProperties()));
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    app.close();
    publisher.close();
    db.close();
  }
}
