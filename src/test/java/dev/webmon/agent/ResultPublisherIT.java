package dev.webmon.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.init.TopicInitializer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Publishing: clean close flushes; undeliverable results are counted (webmon_agent_publish_errors_total)
 * and reported one by one with their target id, never silently dropped.
 */
@ExtendWith(KafkaExtension.class)
class ResultPublisherIT {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AgentMetrics metrics = new AgentMetrics(registry);
  private final EventCodec codec = new EventCodec();
  /** Results reported undeliverable, with their error. */
  private final ConcurrentLinkedQueue<Lost> lost = new ConcurrentLinkedQueue<>();

  private record Lost(String targetId, Throwable error) {}

  /** A publisher as {@link ResultPublisher#create} makes it, that reports each lost result to {@link #lost}. */
  private ResultPublisher publisher(KafkaConfig kafka, AgentConfig agent, String topic) {
    return new ResultPublisher(
        new KafkaProducer<>(ResultPublisher.producerProperties(kafka, agent)), topic, codec, metrics,
        (result, error) -> lost.add(new Lost(result.targetId(), error)));
  }

  private double publishErrors(String error) {
    Counter counter = registry.find("webmon.agent.publish.errors").tag("error", error).counter();
    return counter == null ? 0 : counter.count();
  }

  private static CheckResult result(String targetId) {
    TargetSpec t = TargetSpec.builder(targetId, "https://example.com/" + targetId).build();
    return FakeChecker.result(t, Instant.now(), Instant.now(), "loc", "agent-1");
  }

  private static AgentConfig agent(String... kv) {
    Map<String, String> m = new HashMap<>(Map.of("agent.location", "loc", "agent.id", "agent-1"));
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return AgentConfig.from(Settings.of(m));
  }

  private static KafkaConfig shortTimeouts(String bootstrap) {
    return KafkaConfig.from(Settings.of(Map.of("kafka.bootstrap-servers", bootstrap, "kafka.request-timeout", "1s")));
  }

  @Test
  void closeDeliversWhatTheProducerHolds(EmbeddedKafka broker) {
    TopicsConfig topics = TopicsConfig.from(Settings.of(Map.of("topics.prefix", KafkaExtension.uniqueTopic("pub"), "topics.partitions", "3")));
    try (TopicInitializer init = new TopicInitializer(broker.kafkaConfig(), topics)) {
      init.apply();
    }
    // A 5 s linger: without a flush on close nothing would be sent for 5 s.
    ResultPublisher publisher =
        ResultPublisher.create(broker.kafkaConfig(), agent("agent.linger", "5s"), topics.results(), codec, metrics);
    for (int i = 0; i < 100; i++) {
      publisher.publish(result("t" + (i % 7)));
    }
    long start = System.nanoTime();
    publisher.close(Duration.ofSeconds(10));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(metrics.publishedCount()).isEqualTo(100);
    assertThat(metrics.publishErrorCount()).isZero();

    List<ConsumerRecord<String, byte[]>> read = readAll(broker.kafkaConfig(), topics.results(), 3, 100);
    assertThat(read).hasSize(100);
    assertThat(read).allSatisfy(r -> assertThat(codec.decodeResult(r.value()).targetId()).isEqualTo(r.key()));
  }

  @Test
  void resultsForAStoppedBrokerAreCountedAndReportedWithTheirTargetId() throws Exception {
    EmbeddedKafka own = EmbeddedKafka.builder().start();
    try {
      TopicsConfig topics = TopicsConfig.from(Settings.of(Map.of("topics.prefix", "pub", "topics.partitions", "3")));
      try (TopicInitializer init = new TopicInitializer(own.kafkaConfig(), topics)) {
        init.apply();
      }
      ResultPublisher publisher = publisher(shortTimeouts(own.bootstrapServers()), agent("agent.delivery-timeout", "3s"), topics.results());
      publisher.publish(result("before"));
      await().atMost(Duration.ofSeconds(20)).until(() -> metrics.publishedCount() == 1);

      own.close(); // the broker is gone; the producer still knows the partition leaders
      for (int i = 0; i < 5; i++) {
        publisher.publish(result("lost-" + i));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> lost.size() == 5); // told last, after counting
      assertThat(metrics.publishErrorCount()).isEqualTo(5);
      assertThat(metrics.publishedCount()).isEqualTo(1);
      assertThat(lost).extracting(Lost::targetId).containsExactlyInAnyOrder("lost-0", "lost-1", "lost-2", "lost-3", "lost-4");
      // Counted by the error's type: the delivery timeout expires them.
      long timeouts = lost.stream().filter(l -> l.error().getClass().getSimpleName().equals("TimeoutException")).count();
      assertThat(timeouts).isPositive();
      assertThat(publishErrors("TimeoutException")).isEqualTo(timeouts);
      publisher.close(Duration.ofSeconds(2));
    } finally {
      own.close();
    }
  }

  @Test
  void aBrokerNeverReachedFailsTheSendWithinTheDeliveryTimeoutAndCountsIt() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    ResultPublisher publisher = publisher(shortTimeouts("127.0.0.1:" + port), agent("agent.delivery-timeout", "2s"), "nowhere.results");
    long start = System.nanoTime();
    publisher.publish(result("unreachable"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(10)).until(() -> lost.size() == 1);
    assertThat(metrics.publishErrorCount()).isEqualTo(1);
    assertThat(metrics.publishedCount()).isZero();
    assertThat(lost).extracting(Lost::targetId).containsExactly("unreachable");
    publisher.close(Duration.ofSeconds(1));
  }

  private static List<ConsumerRecord<String, byte[]>> readAll(KafkaConfig kafka, String topic, int partitions, int expected) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < partitions; i++) {
        parts.add(new TopicPartition(topic, i));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }
}
