package dev.webmon.sink;

import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.init.SchemaMigrator;
import dev.webmon.init.TopicInitializer;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.TestDatabase;
import dev.webmon.store.Database;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Shared plumbing of the sink's integration tests. */
final class SinkTestSupport {
  private SinkTestSupport() {}

  /** A migrated database's pool. */
  static HikariDataSource migrated(TestDatabase db) {
    return migrated(db.config());
  }

  static HikariDataSource migrated(dev.webmon.config.PostgresConfig config) {
    HikariDataSource ds = Database.pool(config, "test");
    new SchemaMigrator(ds).migrate();
    return ds;
  }

  static void deleteTree(java.nio.file.Path dir) {
    try (var paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      // best effort
    }
  }

  /** Topics with a unique prefix, created. */
  static TopicsConfig topics(KafkaConfig kafka, int partitions) {
    String prefix = KafkaExtension.uniqueTopic("sink");
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
    p.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /** Reads every record of a topic that arrives within the timeout, expecting {@code count}. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(KafkaConfig kafka, String topic, int count, Duration timeout) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      await()
          .atMost(timeout)
          .pollInterval(Duration.ZERO)
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= count;
              });
    }
    return out;
  }

  static long count(HikariDataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A counter's count, 0 if it was never registered. */
  static double counter(io.micrometer.core.instrument.MeterRegistry registry, String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
