package dev.webmon.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The dead letter built from a refused record: every part cut to its cap, and which send errors drop it. */
class DeadLettersTest {

  private static ConsumerRecord<byte[], byte[]> source(byte[] key, byte[] value, RecordHeaders headers) {
    return new ConsumerRecord<>(
        "t.results", 2, 42, 1_700_000_000_000L, TimestampType.CREATE_TIME, key.length, value.length, key, value, headers,
        Optional.empty());
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  @Test
  void aSmallRecordIsCopiedWhole() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
    ProducerRecord<byte[], byte[]> r =
        DeadLetters.record("t.dlq", DeadLetters.letter(source("k".getBytes(), "v".getBytes(), headers), "EMPTY", "d"));

    assertThat(r.topic()).isEqualTo("t.dlq");
    assertThat(r.key()).isEqualTo("k".getBytes());
    assertThat(r.value()).isEqualTo("v".getBytes());
    assertThat(header(r, "trace")).isEqualTo("abc");
    assertThat(header(r, DeadLetters.ERROR)).isEqualTo("EMPTY");
    assertThat(header(r, DeadLetters.SOURCE_OFFSET)).isEqualTo("42");
    assertThat(header(r, DeadLetters.KEY_TRUNCATED)).isNull();
    assertThat(header(r, DeadLetters.HEADERS_DROPPED)).isNull();
    assertThat(header(r, DeadLetters.TRUNCATED)).isNull();
  }

  @Test
  void keyValueAndCopiedHeadersAreCutToTheirCapsSoTheLetterStaysFarBelowOneMebibyte() {
    byte[] key = new byte[1_000_000];
    Arrays.fill(key, (byte) 'k');
    byte[] value = new byte[1_000_000];
    RecordHeaders headers = new RecordHeaders();
    headers.add("small", new byte[10]);
    headers.add("big", new byte[DeadLetters.MAX_HEADER_BYTES]); // would pass the cap
    headers.add("small-after", new byte[10]);

    ProducerRecord<byte[], byte[]> r =
        DeadLetters.record("t.dlq", DeadLetters.letter(source(key, value, headers), "WRONG_KEY", "x".repeat(5000)));

    assertThat(r.key()).hasSize(DeadLetters.MAX_KEY_BYTES);
    assertThat(header(r, DeadLetters.KEY_TRUNCATED)).isEqualTo("1000000");
    assertThat(r.value()).hasSize(DeadLetters.MAX_VALUE_BYTES);
    assertThat(header(r, DeadLetters.TRUNCATED)).isEqualTo("1000000");
    assertThat(r.headers().lastHeader("small")).isNotNull();
    assertThat(r.headers().lastHeader("big")).isNull();
    assertThat(r.headers().lastHeader("small-after")).as("order kept: nothing after the first one left out").isNull();
    assertThat(header(r, DeadLetters.HEADERS_DROPPED)).isEqualTo("2");
    int size = r.key().length + r.value().length;
    for (var h : r.headers()) {
      size += h.key().length() + h.value().length;
    }
    assertThat(size).isLessThan(DeadLetters.MAX_VALUE_BYTES + DeadLetters.MAX_KEY_BYTES + DeadLetters.MAX_HEADER_BYTES + 2048);
  }

  @Test
  void onlyErrorsAboutTheRecordDropIt() {
    assertThat(DeadLetters.refusedForGood(new RecordTooLargeException("too large"))).isTrue();
    assertThat(DeadLetters.refusedForGood(new InvalidTopicException("bad"))).isTrue();
    assertThat(DeadLetters.refusedForGood(new TimeoutException("slow"))).as("retriable").isFalse();
    assertThat(DeadLetters.refusedForGood(new NotLeaderOrFollowerException("moving"))).as("retriable").isFalse();
    assertThat(DeadLetters.refusedForGood(new TopicAuthorizationException("acl"))).as("setup").isFalse();
    assertThat(DeadLetters.refusedForGood(new java.util.concurrent.TimeoutException())).as("not acknowledged in time").isFalse();
  }
}
