package dev.webmon.sink;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the world about a committed batch: the meters, the commit listener, Kafka's committed
 * offsets (for lag monitoring only) and a warning when the batch sent dead letters. Not
 * thread-safe (the consumer thread).
 */
final class CommitReporter {
  private static final Logger LOG = LoggerFactory.getLogger(CommitReporter.class);

  private final SinkConsumer consumer;
  private final SinkMetrics metrics;
  private final Sink.CommitListener listener;
  private final ThreadTimes times;
  private final String dlqTopic;

  CommitReporter(SinkConsumer consumer, SinkMetrics metrics, Sink.CommitListener listener, ThreadTimes times, String dlqTopic) {
    this.consumer = consumer;
    this.metrics = metrics;
    this.listener = listener;
    this.times = times;
    this.dlqTopic = dlqTopic;
  }

  void committed(Batch b, BatchWriter.Written w) {
    Map<TopicPartition, Long> commits = HashMap.newHashMap(b.ranges().size());
    b.ranges().forEach((tp, range) -> commits.put(tp, range.next()));
    long[] latencies = new long[b.results.size()];
    for (int i = 0; i < latencies.length; i++) {
      latencies[i] = w.committedAtMillis() - b.producedAt(i);
      metrics.latency(latencies[i]);
    }
    for (DeadLetters.Letter l : w.refusedLetters()) {
      metrics.deadLetter(l.reason);
    }
    metrics.committed(b.records(), w.rows(), w.duplicates(), Duration.ofNanos(w.writeNanos()));
    times.written(w.writeNanos());
    if (!b.deadLetters.isEmpty() || w.refused() > 0) {
      LOG.warn("Batch committed with {} record(s) sent to the dead-letter topic {}", b.deadLetters.size() + w.refused(), dlqTopic);
    }
    Set<TopicPartition> assigned = consumer.assignment();
    commits.keySet().retainAll(assigned);
    if (!commits.isEmpty()) {
      consumer.commitForMonitoring(commits);
    }
    listener.committed(w.rows(), latencies);
  }
}
