package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaExtension.class)
class EmbeddedKafkaIT {

  @Test
  void producesAndConsumesOnThePlaintextListener(EmbeddedKafka kafka) throws Exception {
    String topic = KafkaExtension.uniqueTopic("plain");
    assertThat(kafka.nodeCount()).isEqualTo(1);

    roundTrip(kafka.kafkaConfig(), topic);
  }

  @Test
  void clientCertificateAuthenticationAsConfiguredForAManagedService(EmbeddedKafka kafka) throws Exception {
    EmbeddedKafka.SslClientFiles files = kafka.sslClientFiles();
    KafkaConfig config =
        KafkaConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers", kafka.sslBootstrapServers(),
                    "kafka.security-protocol", "SSL",
                    "kafka.ssl.ca-file", files.caFile().toString(),
                    "kafka.ssl.cert-file", files.certFile().toString(),
                    "kafka.ssl.key-file", files.keyFile().toString())));

    roundTrip(config, KafkaExtension.uniqueTopic("ssl"));
  }

  @Test
  void sslListenerRejectsAClientWithoutCertificate(EmbeddedKafka kafka) {
    KafkaConfig config =
        KafkaConfig.from(
            Settings.of(
                Map.of(
                    "kafka.bootstrap-servers", kafka.sslBootstrapServers(),
                    "kafka.security-protocol", "SSL",
                    "kafka.ssl.ca-file", kafka.sslClientFiles().caFile().toString(),
                    "kafka.request-timeout", "5s")));
    Map<String, Object> props = producerProps(config);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);

    try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>(KafkaExtension.uniqueTopic("nocert"), "k", "v")).get(10, TimeUnit.SECONDS))
          .satisfiesAnyOf(
              e -> assertThat(e).hasRootCauseInstanceOf(javax.net.ssl.SSLException.class),
              e -> assertThat(e).isInstanceOf(ExecutionException.class).rootCause().hasMessageContaining("SSL"),
              e -> assertThat(e).hasMessageContaining("SSL handshake failed"));
    }
  }

  static void roundTrip(KafkaConfig config, String topic) throws Exception {
    RecordMetadata sent;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(config))) {
      sent = producer.send(new ProducerRecord<>(topic, "key", "hello " + topic)).get(30, TimeUnit.SECONDS);
    }
    assertThat(sent.offset()).isZero();

    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaExtension.uniqueTopic("group"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> got = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(500)).forEach(got::add);
      }
      assertThat(got).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("hello " + topic));
    }
  }

  static Map<String, Object> producerProps(KafkaConfig config) {
    Map<String, Object> props = new HashMap<>(config.clientProperties());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }
}
