package dev.webmon.notifier;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.EventCodec;
import dev.webmon.event.IncidentEvent;
import dev.webmon.event.IncidentSeverity;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.init.TopicInitializer;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.Database;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared plumbing of the notifier's integration tests: topics, schema, channels, transitions. */
final class NotifierFixture {
  static final EventCodec CODEC = new EventCodec();
  static final String SECRET = "whsec_0123456789abcdef";

  private NotifierFixture() {}

  static HikariDataSource migrated(TestDatabase db) {
    HikariDataSource ds = Database.pool(db.config(), "test");
    new SchemaMigrator(ds).migrate();
    return ds;
  }

  static TopicsConfig topics(KafkaConfig kafka, int partitions) {
    String prefix = KafkaExtension.uniqueTopic("notifier");
    TopicsConfig topics = new TopicsConfig(prefix, partitions, 0, Duration.ofDays(7), Duration.ofDays(30));
    try (TopicInitializer ti = new TopicInitializer(kafka, topics)) {
      ti.apply();
    }
    return topics;
  }

  static KafkaProducer<byte[], byte[]> producer(KafkaConfig kafka) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** A default webhook channel to {@code url} signed with {@link #SECRET}. */
  static void webhook(HikariDataSource ds, String id, String url, boolean isDefault) throws SQLException {
    try (Connection c = ds.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "INSERT INTO notify_channel (id, type, name, is_default, secrets) VALUES (?, 'webhook', ?, ?, ?::jsonb)")) {
      ps.setString(1, id);
      ps.setString(2, id);
      ps.setBoolean(3, isDefault);
      ps.setString(4, "{\"url\": \"" + url + "\", \"secret\": \"" + SECRET + "\"}");
      ps.executeUpdate();
    }
  }

  /** OPENED, ACKNOWLEDGED and RESOLVED of one incident of target {@code target}. */
  static List<IncidentEvent> lifecycle(String target) {
    UUID id = UUID.randomUUID();
    Instant opened = Instant.parse("2026-03-01T12:00:00Z");
    IncidentEvent.Acknowledgement ack = new IncidentEvent.Acknowledgement("alice", Optional.empty(), opened.plusSeconds(60));
    List<IncidentEvent> out = new ArrayList<>();
    out.add(event(id, target, 1, IncidentEvent.Kind.OPENED, opened, Incidents.DOWN, Optional.empty()));
    out.add(event(id, target, 2, IncidentEvent.Kind.ACKNOWLEDGED, opened.plusSeconds(60), Incidents.DOWN, Optional.of(ack)));
    out.add(event(id, target, 3, IncidentEvent.Kind.RESOLVED, opened.plusSeconds(600), List.of(), Optional.of(ack)));
    return out;
  }

  private static IncidentEvent event(UUID id, String target, long seq, IncidentEvent.Kind kind, Instant at,
      List<dev.webmon.event.LocationStatus> locations, Optional<IncidentEvent.Acknowledgement> ack) {
    return new IncidentEvent(id, target, "Target " + target, seq, kind, IncidentSeverity.DOWN, at,
        Instant.parse("2026-03-01T12:00:00Z"), locations, Incidents.CAUSE, 2, 3, "default", ack, Optional.empty());
  }

  static void send(KafkaProducer<byte[], byte[]> producer, TopicsConfig topics, IncidentEvent e) {
    producer.send(new ProducerRecord<>(topics.incidents(), e.targetId().getBytes(StandardCharsets.UTF_8), CODEC.encode(e)));
  }

  static String key(IncidentEvent e, String channel) {
    return e.incidentId() + ":" + e.seq() + ":" + channel;
  }

  /** HMAC-SHA256 computed here, independently of {@link WebhookChannel}. */
  static String signature(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      StringBuilder hex = new StringBuilder("sha256=");
      for (byte b : mac.doFinal(body)) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The first {@code n} records of the dead-letter topic (waits up to 30 s for them). */
  static List<ConsumerRecord<byte[], byte[]>> deadLetters(KafkaConfig kafka, TopicsConfig topics, int n) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topics.dlq()));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static long count(HikariDataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
