package dev.webmon.sink;

import static dev.webmon.sink.Fixtures.CODEC;
import static dev.webmon.sink.SinkTestSupport.count;
import static dev.webmon.sink.SinkTestSupport.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.infra.PostgresExtension;
import dev.webmon.infra.TestDatabase;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink end to end in-process: real broker, real PostgreSQL, good and bad records. */
@ExtendWith({PostgresExtension.class, KafkaExtension.class})
class SinkIT {

  @Test
  void writesEveryGoodRecordOnceAndEveryBadOneToTheDeadLetterTopicWithItsReason(TestDatabase db, EmbeddedKafka broker)
      throws Exception {
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 3);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    int good = 3_000;
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String valid = new String(CODEC.encode(Fixtures.up("k", "eu", now, 1)), StandardCharsets.UTF_8);

    // key -> value -> expected reason, in the results topic
    Map<String, byte[]> badValues = new LinkedHashMap<>();
    Map<String, String> badKeys = new HashMap<>();
    badValues.put("MALFORMED_JSON", "{\"v\":\"1.0\",".getBytes(StandardCharsets.UTF_8));
    badValues.put("INVALID_UTF8", new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    badValues.put("EMPTY", new byte[0]);
    badValues.put("OVERSIZED", ("{\"v\":\"1.0\",\"pad\":\"" + "x".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8));
    badValues.put("UNSUPPORTED_VERSION", valid.replace("\"v\":\"1.0\"", "\"v\":\"2.0\"").getBytes(StandardCharsets.UTF_8));
    badValues.put("MISSING_FIELD", valid.replaceAll(",\"agentId\":\"[^\"]*\"", "").getBytes(StandardCharsets.UTF_8));
    badValues.put("WRONG_TYPE", valid.replaceAll("\"bodyBytes\":\\d+", "\"bodyBytes\":\"many\"").getBytes(StandardCharsets.UTF_8));
    badValues.put("INVALID_VALUE", valid.replaceAll("\"bodyBytes\":\\d+", "\"bodyBytes\":-1").getBytes(StandardCharsets.UTF_8));
    badValues.put("WRONG_KEY", valid.getBytes(StandardCharsets.UTF_8));
    badKeys.put("WRONG_KEY", "not-k");

    List<CheckResult> results = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = SinkTestSupport.producer(kafka)) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (int i = 0; i < good; i++) {
        CheckResult r = (i % 7 == 0 ? Fixtures.down("t" + (i % 50), "eu", now.plusMillis(i), i) : Fixtures.up("t" + (i % 50), "eu", now.plusMillis(i), i));
        results.add(r);
        acks.add(producer.send(new ProducerRecord<>(topics.results(), r.targetId().getBytes(StandardCharsets.UTF_8), CODEC.encode(r))));
        if (i == good / 2) {
          badValues.forEach(
              (reason, value) ->
                  acks.add(
                      producer.send(
                          new ProducerRecord<>(
                              topics.results(),
                              badKeys.getOrDefault(reason, "k").getBytes(StandardCharsets.UTF_8),
                              value))));
          // A tombstone in the results topic and a record without a key.
          acks.add(producer.send(new ProducerRecord<>(topics.results(), "k".getBytes(StandardCharsets.UTF_8), null)));
          acks.add(producer.send(new ProducerRecord<>(topics.results(), null, valid.getBytes(StandardCharsets.UTF_8))));
        }
      }
      // Targets: two versions, a tombstone, a bad key and a malformed value.
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "tg1".getBytes(), CODEC.encode(Fixtures.target("tg1", 1)))));
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "tg1".getBytes(), CODEC.encode(Fixtures.target("tg1", 2)))));
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "tg2".getBytes(), CODEC.encode(Fixtures.target("tg2", 1)))));
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "tg2".getBytes(), null)));
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "bad key!".getBytes(), CODEC.encode(Fixtures.target("tg3", 1)))));
      acks.add(producer.send(new ProducerRecord<>(topics.targets(), "tg4".getBytes(), "[]".getBytes())));
      for (Future<RecordMetadata> a : acks) {
        a.get();
      }
    }
    int expectedDead = badValues.size() + 2 + 2;

    // The checked targets exist (as the web writes them): status rows are kept only for those.
    try (java.sql.Connection c = ds.getConnection()) {
      for (int t = 0; t < 50; t++) {
        new dev.webmon.store.Targets().upsert(c, Fixtures.target("t" + t, 1));
      }
    }
    SinkConfig config = SinkConfig.defaults(Map.of("sink.group-id", KafkaExtension.uniqueTopic("g"), "sink.batch-max-records", "500"));
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).meterRegistry(registry).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT count(*) FROM check_result") >= good);
      await().atMost(Duration.ofSeconds(30)).until(() -> count(ds, "SELECT count(*) FROM target WHERE id LIKE 'tg%'") == 1);
      await().atMost(Duration.ofSeconds(30)).until(() -> count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset") == good + badValues.size() + 2 + 6);
      assertThat(sink.failure()).as("bad records never stop the sink").isEmpty();
    }

    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(good);
    assertThat(count(ds, "SELECT count(DISTINCT result_id) FROM check_result")).isEqualTo(good);
    assertThat(count(ds, "SELECT count(*) FROM target_status")).isEqualTo(50);
    assertThat(count(ds, "SELECT version FROM target WHERE id = 'tg1'")).isEqualTo(2);
    // Status of t7: newest of its results.
    CheckResult newestT7 = results.stream().filter(r -> r.targetId().equals("t7")).reduce((a, b) -> b).orElseThrow();
    assertThat(count(ds, "SELECT extract(epoch FROM started_at) * 1000 FROM target_status WHERE target_id = 't7'"))
        .isEqualTo(newestT7.startedAt().toEpochMilli());

    List<ConsumerRecord<byte[], byte[]>> dead = SinkTestSupport.readAll(kafka, topics.dlq(), expectedDead, Duration.ofSeconds(30));
    assertThat(dead).hasSize(expectedDead);
    Map<String, Integer> byReason = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> d : dead) {
      byReason.merge(header(d, DeadLetters.ERROR), 1, Integer::sum);
      assertThat(header(d, DeadLetters.DETAIL)).isNotBlank();
      assertThat(header(d, DeadLetters.SOURCE_TOPIC)).isIn(topics.results(), topics.targets());
      assertThat(Integer.parseInt(header(d, DeadLetters.SOURCE_PARTITION))).isBetween(0, 2);
      assertThat(Long.parseLong(header(d, DeadLetters.SOURCE_OFFSET))).isNotNegative();
    }
    assertThat(byReason)
        .containsEntry("MALFORMED_JSON", 1)
        .containsEntry("WRONG_TYPE", 2)
        .containsEntry("INVALID_UTF8", 1)
        .containsEntry("EMPTY", 2)
        .containsEntry("OVERSIZED", 1)
        .containsEntry("UNSUPPORTED_VERSION", 1)
        .containsEntry("MISSING_FIELD", 1)
        .containsEntry("INVALID_VALUE", 1)
        .containsEntry("WRONG_KEY", 3)
        .hasSize(9);
    assertThat(registry.find("webmon.sink.dead.letters").tag("reason", "WRONG_KEY").counter().count()).isEqualTo(3);
    assertThat(registry.find("webmon.sink.dead.letters").tag("reason", "OVERSIZED").counter().count()).isEqualTo(1);
    assertThat(registry.find("webmon.sink.rows").counter().count()).isEqualTo(good);
    ds.close();
  }

  /** Bad records injected by an independent client, kcat (skipped when kcat is not installed). */
  @Test
  void recordsInjectedWithKcatAreCheckedToo(TestDatabase db, EmbeddedKafka broker) throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("kcat"), "kcat is not installed (apt-get install kcat)");
    KafkaConfig kafka = broker.kafkaConfig();
    TopicsConfig topics = SinkTestSupport.topics(kafka, 1);
    HikariDataSource ds = SinkTestSupport.migrated(db);
    String good = new String(CODEC.encode(Fixtures.up("k1", "eu", Instant.now(), 5)), StandardCharsets.UTF_8);
    String input =
        String.join(
            "\n",
            "k1|" + good,
            "k1|not json at all",
            "k1|{\"v\":\"9.0\",\"x\":1}",
            "k1|{}",
            "k1|[1,2,3]",
            "other|" + good,
            "k1|" + good.replace("\"bodyBytes\":", "\"bodyBytes\":-"))
            + "\n";
    Process kcat =
        new ProcessBuilder("kcat", "-P", "-b", kafka.bootstrapServers(), "-t", topics.results(), "-K", "|")
            .redirectErrorStream(true)
            .start();
    kcat.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    kcat.getOutputStream().close();
    assertThat(kcat.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(kcat.exitValue()).as(new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    SinkConfig config = SinkConfig.defaults(Map.of("sink.group-id", KafkaExtension.uniqueTopic("g"), "sink.maintenance", "false"));
    try (Sink sink = Sink.builder(kafka, topics, db.config(), config).start()) {
      await().atMost(Duration.ofSeconds(60)).until(() -> count(ds, "SELECT coalesce(sum(next_offset), 0) FROM sink_offset") == 7);
      assertThat(sink.failure()).isEmpty();
    }
    assertThat(count(ds, "SELECT count(*) FROM check_result")).isEqualTo(1);

    // Read the dead letters back with kcat as well: headers on the wire.
    Process reader =
        new ProcessBuilder(
                "kcat", "-C", "-b", kafka.bootstrapServers(), "-t", topics.dlq(), "-o", "beginning", "-e", "-q",
                "-f", "%h\\n")
            .start();
    String headers = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(reader.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(headers.split("webmon\\.error=", -1)).hasSize(7); // six dead letters
    assertThat(headers)
        .contains("webmon.error=MALFORMED_JSON")
        .contains("webmon.error=UNSUPPORTED_VERSION")
        .contains("webmon.error=MISSING_FIELD")
        .contains("webmon.error=WRONG_TYPE")
        .contains("webmon.error=INVALID_VALUE")
        .contains("webmon.error=WRONG_KEY")
        .contains("webmon.source.topic=" + topics.results());
    ds.close();
  }

  private static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}
