package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the sink loop writes its batches and reads the offsets they were built on: PostgreSQL
 * ({@link BatchWriter}) in production, an in-memory fake in unit tests. {@link #write} runs on the
 * writer thread, the other methods on the consumer thread.
 */
interface BatchStore {
  /** An empty batch this store can write. */
  Batch newBatch();

  /**
   * Writes the batch and its offsets in one transaction, compare-and-set against the offsets it
   * was built on ({@link BatchWriter.Outcome#FENCED} when they moved).
   *
   * @throws UnavailableException when the store (or the dead-letter topic) is unavailable; the
   *     batch may be written again later
   */
  BatchWriter.Written write(Batch batch);

  /**
   * The stored next offset of each of these partitions that has one.
   *
   * @throws UnavailableException when the store is unavailable
   */
  Map<TopicPartition, Long> readOffsets(Collection<TopicPartition> partitions);
}
