package dev.webmon.sink;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * What the sink loop needs of its Kafka consumer: {@link KafkaSinkConsumer} over the real one in
 * production, an in-memory fake in unit tests. Not thread-safe: the loop's thread only.
 */
interface SinkConsumer {
  /** Told of partitions moving; called from inside {@link #poll}, as Kafka's rebalance listener is. */
  interface Rebalance {
    void assigned(Collection<TopicPartition> partitions);

    /** Given up in a rebalance (still assigned during the call). */
    void revoked(Collection<TopicPartition> partitions);

    /** Taken away by the group without a revocation (this instance was presumed dead). */
    void lost(Collection<TopicPartition> partitions);
  }

  void subscribe(Collection<String> topics, Rebalance rebalance);

  /**
   * Fetches records. Never resets a position by itself: a fetch position outside the partition's
   * log (retention deleted the records there) throws.
   *
   * @throws OffsetOutOfRangeException naming the partitions and their fetch positions (no records
   *     were returned by this call; seek them to go on)
   */
  Iterable<ConsumerRecord<byte[], byte[]>> poll(Duration timeout);

  /**
   * The first offset still in each partition's log.
   *
   * @throws org.apache.kafka.common.KafkaException when the broker does not answer in time
   */
  Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

  Set<TopicPartition> assignment();

  Set<TopicPartition> paused();

  void pause(Collection<TopicPartition> partitions);

  void resume(Collection<TopicPartition> partitions);

  void seek(TopicPartition partition, long offset);

  void seekToBeginning(TopicPartition partition);

  /**
   * Commits these next offsets to Kafka without waiting. For lag monitoring only (they are never
   * read back): a failure is logged at debug and otherwise ignored.
   */
  void commitForMonitoring(Map<TopicPartition, Long> nextOffsets);
}
