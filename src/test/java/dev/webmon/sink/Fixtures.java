package dev.webmon.sink;

import dev.webmon.event.CheckResult;
import dev.webmon.event.EventCodec;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import dev.webmon.event.TargetSpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Test data for the sink tests. */
final class Fixtures {
  static final EventCodec CODEC = new EventCodec();

  private Fixtures() {}

  static CheckResult up(String target, String location, Instant startedAt, long totalMicros) {
    return base(target, location, startedAt, totalMicros).up(200).build();
  }

  static CheckResult down(String target, String location, Instant startedAt, long totalMicros) {
    return base(target, location, startedAt, totalMicros).down(Reason.HTTP_STATUS).statusCode(503).detail("503 Service Unavailable").build();
  }

  static CheckResult.Builder base(String target, String location, Instant startedAt, long totalMicros) {
    return CheckResult.builder()
        .resultId(UUID.randomUUID())
        .targetId(target)
        .targetVersion(1)
        .location(location)
        .agentId("agent-1")
        .url(URI.create("https://" + target + ".example.com/"))
        .scheduledAt(startedAt.minusMillis(3))
        .startedAt(startedAt)
        .timings(new PhaseTimings(totalMicros / 10, totalMicros / 10, totalMicros / 5, totalMicros / 2, totalMicros / 20, totalMicros))
        .bodyBytes(2048)
        .httpVersion("HTTP/1.1")
        .remoteAddress("203.0.113.7");
  }

  static TargetSpec target(String id, long version) {
    return TargetSpec.builder(id, URI.create("https://" + id + ".example.com/health"))
        .version(version)
        .name("Target " + id + " v" + version)
        .tags(java.util.List.of("env:test"))
        .updatedAt(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version))
        .build();
  }

  static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String key, byte[] value) {
    return new ConsumerRecord<>(topic, partition, offset, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
  }

  static ConsumerRecord<byte[], byte[]> resultRecord(String topic, int partition, long offset, CheckResult r) {
    return record(topic, partition, offset, r.targetId(), CODEC.encode(r));
  }
}
