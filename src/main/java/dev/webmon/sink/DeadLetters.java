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
 * Thread-safe (the producer is).
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

  private final Producer<byte[], byte[]> producer;
  private final String topic;

  DeadLetters(Producer<byte[], byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /** A refused record and the pending acknowledgement of its dead letter. Not thread-safe. */
  static final class Letter {
    final ConsumerRecord<byte[], byte[]> source;
    final String reason;
    final String detail;
    Future<RecordMetadata> ack;

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
    ConsumerRecord<byte[], byte[]> src = letter.source;
    RecordHeaders headers = new RecordHeaders();
    for (Header h : src.headers()) {
      headers.add(h);
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
    try {
      letter.ack = producer.send(new ProducerRecord<>(topic, null, null, src.key(), value, headers));
    } catch (RuntimeException e) {
      letter.ack = CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Sends the letters not sent yet (and again those whose send failed) and waits until every one
   * is acknowledged.
   *
   * @throws UnavailableException if some are still not acknowledged after {@code timeout}
   */
  void await(List<Letter> letters, Duration timeout) {
    if (letters.isEmpty()) {
      return;
    }
    for (Letter l : letters) {
      if (l.ack == null || failed(l.ack)) {
        send(l);
      }
    }
    producer.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Letter l : letters) {
      try {
        l.ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
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
