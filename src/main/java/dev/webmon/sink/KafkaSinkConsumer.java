package dev.webmon.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link SinkConsumer} over a real Kafka consumer. Not thread-safe, as the consumer is not. */
final class KafkaSinkConsumer implements SinkConsumer {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaSinkConsumer.class);

  private static final Duration OFFSETS_TIMEOUT = Duration.ofSeconds(10);

  private final Consumer<byte[], byte[]> consumer;

  KafkaSinkConsumer(Consumer<byte[], byte[]> consumer) {
    this.consumer = consumer;
  }

  @Override
  public void subscribe(Collection<String> topics, Rebalance rebalance) {
    consumer.subscribe(
        topics,
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // A position until the sink seeks the stored offset (auto.offset.reset is none, and a
            // partition without one fails the poll). The sink keeps such partitions paused, so
            // nothing is read from here unless the sink itself seeks to the beginning.
            consumer.seekToBeginning(partitions);
            rebalance.assigned(partitions);
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            rebalance.revoked(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            rebalance.lost(partitions);
          }
        });
  }

  @Override
  public Iterable<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
    return consumer.poll(timeout);
  }

  @Override
  public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
    return consumer.beginningOffsets(partitions, OFFSETS_TIMEOUT);
  }

  @Override
  public Set<TopicPartition> assignment() {
    return consumer.assignment();
  }

  @Override
  public Set<TopicPartition> paused() {
    return consumer.paused();
  }

  @Override
  public void pause(Collection<TopicPartition> partitions) {
    consumer.pause(partitions);
  }

  @Override
  public void resume(Collection<TopicPartition> partitions) {
    consumer.resume(partitions);
  }

  @Override
  public void seek(TopicPartition partition, long offset) {
    consumer.seek(partition, offset);
  }

  @Override
  public void seekToBeginning(TopicPartition partition) {
    consumer.seekToBeginning(List.of(partition));
  }

  @Override
  public void commitForMonitoring(Map<TopicPartition, Long> nextOffsets) {
    Map<TopicPartition, OffsetAndMetadata> commits = HashMap.newHashMap(nextOffsets.size());
    nextOffsets.forEach((tp, next) -> commits.put(tp, new OffsetAndMetadata(next)));
    consumer.commitAsync(
        commits,
        (offsets, e) -> {
          if (e != null) {
            LOG.debug("Committing offsets to Kafka (lag monitoring only) failed: {}", e.toString());
          }
        });
  }
}
