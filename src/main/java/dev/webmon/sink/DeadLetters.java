package dev.webmon.sink;

import dev.webmon.store.UnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends refused records to the dead-letter topic with headers naming the error and the source.
 * The consumer thread only creates {@link Letter}s ({@link #letter}); the writer thread sends them
 * and waits for their acknowledgements ({@link #await}) before committing the PostgreSQL
 * transaction that moves the offsets past them, so a crash never loses a dead letter (it may send
 * one twice: at least once), and a slow or missing dead-letter topic never blocks polling.
 *
 * <p>A dead letter stays well below Kafka's default 1 MiB limits (producer {@code
 * max.request.size}, broker {@code message.max.bytes}): the value is cut at {@link
 * #MAX_VALUE_BYTES}, the key at {@link #MAX_KEY_BYTES}, the copied headers at {@link
 * #MAX_HEADER_BYTES} in all. One the dead-letter topic still refuses for good (a non-retriable
 * error such as {@code RecordTooLargeException} under a lower {@code max.message.bytes}) is
 * counted ({@code webmon.sink.dead.letters.dropped}), logged with its source and skipped: the sink
 * never stops on one record. Authorization and authentication errors are a setup problem, not the
 * record's: they count as the topic being unavailable, as timeouts do.
 *
 * <p>Thread-safe (the producer is).
 */
final class DeadLetters {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  static final String ERROR = "webmon.error";
  static final String DETAIL = "webmon.error.detail";
  static final String SOURCE_TOPIC = "webmon.source.topic";
  static final String SOURCE_PARTITION = "webmon.source.partition";
  static final String SOURCE_OFFSET = "webmon.source.offset";
  static final String SOURCE_TIMESTAMP = "webmon.source.timestamp";
  static final String TRUNCATED = "webmon.truncated";

  /** Longest value forwarded; longer ones are cut (header {@code webmon.truncated}). */
  static final int MAX_VALUE_BYTES = 512 * 1024;

  static final int MAX_DETAIL_CHARS = 1000;

  /** Longest key forwarded; a longer one is cut (header {@code webmon.key.truncated}: its length). */
  static final int MAX_KEY_BYTES = 16 * 1024;

  static final String KEY_TRUNCATED = "webmon.key.truncated";

  /** Most bytes (names and values) of the source's headers copied; the rest are left out. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  /** How many of the source's headers were left out (only when some were). */
  static final String HEADERS_DROPPED = "webmon.headers.dropped";

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final SinkMetrics metrics;

  DeadLetters(Producer<byte[], byte[]> producer, String topic, SinkMetrics metrics) {
    this.producer = producer;
    this.topic = topic;
    this.metrics = metrics;
  }

  /** A refused record and the pending acknowledgement of its dead letter. Not thread-safe. */
  static final class Letter {
    final ConsumerRecord<byte[], byte[]> source;
    final String reason;
    final String detail;
    Future<RecordMetadata> ack;
    /** The dead-letter topic refused it for good: skipped, never sent again. */
    boolean dropped;

    Letter(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {
      this.source = source;
      this.reason = reason;
      this.detail = detail.length() > MAX_DETAIL_CHARS ? detail.substring(0, MAX_DETAIL_CHARS) + "..." : detail;
    }
  }

  /** A dead letter for {@code source}, sent by the next {@link #await}. */
  static Letter letter(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {
    return new Letter(source, reason, detail);
  }

  /** Starts sending a dead letter for {@code source}. */
  Letter send(ConsumerRecord<byte[], byte[]> source, String reason, String detail) {
    Letter letter = new Letter(source, reason, detail);
    send(letter);
    return letter;
  }

  private void send(Letter letter) {
    try {
      letter.ack = producer.send(record(topic, letter));
    } catch (RuntimeException e) {
      letter.ack = CompletableFuture.failedFuture(e);
    }
  }

  /** The dead letter of {@code letter}: key, value and copied headers cut to their caps. */
  static ProducerRecord<byte[], byte[]> record(String topic, Letter letter) {
    ConsumerRecord<byte[], byte[]> src = letter.source;
    RecordHeaders headers = new RecordHeaders();
    int headerBytes = 0;
    int left = 0;
    for (Header h : src.headers()) {
      int size = h.key().length() + (h.value() == null ? 0 : h.value().length);
      if (left == 0 && headerBytes + size <= MAX_HEADER_BYTES) {
        headers.add(h);
        headerBytes += size;
      } else {
        left++; // keep the order: once one is left out, so are the ones after it
      }
    }
    if (left > 0) {
      headers.add(HEADERS_DROPPED, utf8(Integer.toString(left)));
    }
    headers.add(ERROR, utf8(letter.reason));
    headers.add(DETAIL, utf8(letter.detail));
    headers.add(SOURCE_TOPIC, utf8(src.topic()));
    headers.add(SOURCE_PARTITION, utf8(Integer.toString(src.partition())));
    headers.add(SOURCE_OFFSET, utf8(Long.toString(src.offset())));
    headers.add(SOURCE_TIMESTAMP, utf8(Long.toString(src.timestamp())));
    byte[] value = src.value();
    if (value != null && value.length > MAX_VALUE_BYTES) {
      value = Arrays.copyOf(value, MAX_VALUE_BYTES);
      headers.add(TRUNCATED, utf8(Integer.toString(src.value().length)));
    }
    byte[] key = src.key();
    if (key != null && key.length > MAX_KEY_BYTES) {
      key = Arrays.copyOf(key, MAX_KEY_BYTES);
      headers.add(KEY_TRUNCATED, utf8(Integer.toString(src.key().length)));
    }
    return new ProducerRecord<>(topic, null, null, key, value, headers);
  }

  /**
   * Sends the letters not sent yet (and again those whose send failed) and waits until every one
   * is acknowledged or dropped (refused for good: counted, logged, skipped).
   *
   * @throws UnavailableException if some are still not acknowledged after {@code timeout}
   */
  void await(List<Letter> letters, Duration timeout) {
    if (letters.isEmpty()) {
      return;
    }
    for (Letter l : letters) {
      if (!l.dropped && (l.ack == null || failed(l.ack))) {
        send(l);
      }
    }
    producer.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Letter l : letters) {
      if (l.dropped) {
        continue;
      }
      try {
        l.ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        if (refusedForGood(cause)) {
          drop(l, cause);
          continue;
        }
        LOG.debug("Dead letter for {}-{}@{} not acknowledged", l.source.topic(), l.source.partition(), l.source.offset(), cause);
        throw new UnavailableException(
            "The dead-letter topic " + topic,
            "dead letter for " + l.source.topic() + "-" + l.source.partition() + "@" + l.source.offset()
                + " not acknowledged: " + cause,
            cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("The dead-letter topic " + topic, "interrupted while waiting for acknowledgements", e);
      }
    }
  }

  /**
   * Whether the topic will never take this record: a non-retriable Kafka error that is not about
   * the setup (credentials, ACLs), e.g. {@code RecordTooLargeException}.
   */
  static boolean refusedForGood(Throwable cause) {
    return cause instanceof KafkaException
        && !(cause instanceof RetriableException)
        && !(cause instanceof AuthenticationException)
        && !(cause instanceof AuthorizationException)
        && !(cause instanceof InterruptException);
  }

  private void drop(Letter l, Throwable cause) {
    l.dropped = true;
    metrics.deadLetterDropped(l.reason);
    LOG.error(
        "Dead letter for {}-{}@{} ({}) refused by the dead-letter topic {}, record skipped: {}",
        l.source.topic(),
        l.source.partition(),
        l.source.offset(),
        l.reason,
        topic,
        cause.toString());
  }

  private static boolean failed(Future<RecordMetadata> f) {
    if (!f.isDone()) {
      return false;
    }
    try {
      f.get();
      return false;
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
