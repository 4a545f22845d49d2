package dev.webmon.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A three-node cluster survives the kill -9 of a node: acks=all produce still succeeds. */
@Tag("slow")
class KafkaClusterIT {

  @Test
  void acksAllProduceSurvivesKillOfOneNode() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().nodes(3).start()) {
      String topic = KafkaExtension.uniqueTopic("rf3");
      int leader;
      try (Admin admin = Admin.create(kafka.kafkaConfig().clientProperties())) {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
        leader = leaderOf(admin, topic);
      }
      Map<String, Object> props = EmbeddedKafkaIT.producerProps(kafka.kafkaConfig());
      props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
      props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
        producer.send(new ProducerRecord<>(topic, "k", "before")).get(30, TimeUnit.SECONDS);

        kafka.killNode(leader);
        assertThat(kafka.isRunning(leader)).isFalse();

        long start = System.nanoTime();
        RecordMetadata after = producer.send(new ProducerRecord<>(topic, "k", "after")).get(60, TimeUnit.SECONDS);
        assertThat(after.offset()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
      }
      try (Admin admin = Admin.create(kafka.kafkaConfig().clientProperties())) {
        assertThat(leaderOf(admin, topic)).isNotEqualTo(leader);
      }

      kafka.restartNode(leader);
      assertThat(kafka.isRunning(leader)).isTrue();
    }
  }

  private static int leaderOf(Admin admin, String topic) throws Exception {
    TopicPartitionInfo p =
        admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().get(0);
    assertThat(p.replicas()).hasSize(3);
    return p.leader().id();
  }
}
