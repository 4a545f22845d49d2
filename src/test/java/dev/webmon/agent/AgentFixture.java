package dev.webmon.agent;

import com.sun.net.httpserver.HttpServer;
import dev.webmon.check.CheckConfig;
import dev.webmon.check.HttpChecker;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.TargetSpec;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.KafkaExtension;
import dev.webmon.init.TopicInitializer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * One test's world: its own topics (12 partitions) on the shared broker, a local HTTP server on
 * 127.0.0.1 the targets point at, a producer of targets, a collector of results, and agents.
 */
final class AgentFixture implements AutoCloseable {
  static final int PARTITIONS = 12;

  final EmbeddedKafka broker;
  final KafkaConfig kafka;
  final TopicsConfig topics;
  final String prefix;
  final EventCodec codec = new EventCodec();
  final HttpServer http;
  private final KafkaProducer<String, byte[]> producer;
  private final List<CheckResult> results = new CopyOnWriteArrayList<>();
  private final Thread collector;
  private volatile boolean collecting = true;
  private final List<Agent> agents = new ArrayList<>();

  AgentFixture(EmbeddedKafka broker) throws IOException {
    this.broker = broker;
    this.kafka = broker.kafkaConfig();
    this.prefix = KafkaExtension.uniqueTopic("agent");
    this.topics =
        TopicsConfig.from(Settings.of(Map.of("topics.prefix", prefix, "topics.partitions", String.valueOf(PARTITIONS))));
    try (TopicInitializer init = new TopicInitializer(kafka, topics)) {
      init.apply();
    }
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.createContext(
        "/",
        exchange -> {
          byte[] body = "<html>webmon test page: all good</html>".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    http.start();
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    collector = Thread.ofPlatform().name("results-collector").daemon(true).start(this::collect);
  }

  /** A location (and so a consumer group) no other test uses. */
  static String uniqueLocation(String base) {
    return base + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
  }

  String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + path;
  }

  TargetSpec target(String id, long version, Duration interval) {
    return TargetSpec.builder(id, url("/" + id + "/v" + version))
        .version(version)
        .interval(interval)
        .mustMatch("all good")
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  void put(TargetSpec spec) {
    send(spec.id(), codec.encode(spec));
  }

  void delete(String id) {
    send(id, null);
  }

  void send(String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topics.targets(), key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topics.targets(), e);
    }
  }

  /** Produces a record to the maintenance topic ({@code null} value: a tombstone). */
  void sendMaintenance(String key, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topics.maintenance(), key, value)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot produce to " + topics.maintenance(), e);
    }
  }

  /** The partition of the targets topic a key goes to (the default partitioner). */
  static int partitionOf(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  Agent startAgent(String location, String agentId) {
    return startAgent(location, agentId, Map.of());
  }

  Agent startAgent(String location, String agentId, Map<String, String> overrides) {
    return startAgent(location, agentId, overrides, new SimpleMeterRegistry());
  }

  Agent startAgent(String location, String agentId, Map<String, String> overrides, MeterRegistry registry) {
    Map<String, String> s = new HashMap<>(Map.of(AgentConfig.LOCATION.name(), location, AgentConfig.ID.name(), agentId,
        AgentConfig.METRICS_PORT.name(), "-1", AgentConfig.SHUTDOWN_TIMEOUT.name(), "5s"));
    s.putAll(overrides);
    AgentConfig config = AgentConfig.from(Settings.of(s));
    HttpChecker checker = new HttpChecker(CheckConfig.defaults("127.0.0.0/8"), location, agentId);
    Agent agent = Agent.start(kafka, topics, config, checker, InstantSource.system(), registry);
    agents.add(agent);
    return agent;
  }

  List<CheckResult> results() {
    return List.copyOf(results);
  }

  List<CheckResult> results(Predicate<CheckResult> filter) {
    return results.stream().filter(filter).toList();
  }

  private void collect() {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (int i = 0; i < PARTITIONS; i++) {
        parts.add(new TopicPartition(topics.results(), i));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      while (collecting) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          CheckResult result = codec.decodeResult(r.value());
          if (!result.targetId().equals(r.key())) {
            throw new AssertionError("result keyed " + r.key() + " for target " + result.targetId());
          }
          results.add(result);
        }
      }
    }
  }

  @Override
  public void close() {
    for (Agent a : agents) {
      a.close();
    }
    collecting = false;
    try {
      collector.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    http.stop(0);
  }
}
