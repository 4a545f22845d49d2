package dev.webmon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.webmon.event.CheckResult;
import dev.webmon.event.PhaseTimings;
import dev.webmon.event.Reason;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StatusRowsTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void oneRowPerTargetAndLocationFromTheNewestResultWhateverTheOrder() {
    List<CheckResult> results =
        new ArrayList<>(List.of(up("a", "eu", T.plusSeconds(60), 2), up("a", "eu", T, 1), up("a", "us", T, 3)));

    StatusRows rows = StatusRows.of(results, Set.of());

    assertThat(rows.size()).isEqualTo(2);
    assertThat(rows.flipped.size()).isZero();
    int eu = List.of(rows.sameState.locations).indexOf("eu");
    assertThat(rows.sameState.targetIds[eu]).isEqualTo("a");
    assertThat(rows.sameState.totalUs[eu]).isEqualTo(2);
    assertThat(rows.sameState.startedUs[eu]).isEqualTo(StatusRows.epochMicros(T.plusSeconds(60)));
    // Same state throughout the batch: its run began at the batch's first result.
    assertThat(rows.sameState.sinceUs[eu]).isEqualTo(StatusRows.epochMicros(T));
    assertThat(rows.sameState.ups[eu]).isTrue();
  }

  @Test
  void aStateChangeWithinTheBatchStartsTheRunAtItsLastChange() {
    List<CheckResult> results =
        List.of(
            up("a", "eu", T, 1),
            down("a", "eu", T.plusSeconds(60), 2),
            down("a", "eu", T.plusSeconds(120), 3));

    StatusRows rows = StatusRows.of(results, Set.of());

    assertThat(rows.sameState.size()).isZero();
    assertThat(rows.flipped.size()).isEqualTo(1);
    assertThat(rows.flipped.ups[0]).isFalse();
    assertThat(rows.flipped.sinceUs[0]).isEqualTo(StatusRows.epochMicros(T.plusSeconds(60)));
    assertThat(rows.flipped.startedUs[0]).isEqualTo(StatusRows.epochMicros(T.plusSeconds(120)));
  }

  @Test
  void skippedResultsDoNotCount() {
    List<CheckResult> results = List.of(up("a", "eu", T, 1), down("a", "eu", T.plusSeconds(60), 2), up("b", "eu", T, 3));

    StatusRows rows = StatusRows.of(results, Set.of(1, 2));

    assertThat(rows.size()).isEqualTo(1);
    assertThat(rows.sameState.targetIds).containsExactly("a");
    assertThat(rows.sameState.ups[0]).isTrue();
  }

  @Test
  void microsecondsSinceTheEpochKeepTheSubMillisecondPart() {
    assertThat(StatusRows.epochMicros(Instant.parse("2026-11-22T10:00:00.123456789Z")))
        .isEqualTo(Instant.parse("2026-11-22T10:00:00Z").getEpochSecond() * 1_000_000L + 123_456);
  }

  private static CheckResult up(String target, String location, Instant startedAt, long totalMicros) {
    return base(target, location, startedAt, totalMicros).up(200).build();
  }

  private static CheckResult down(String target, String location, Instant startedAt, long totalMicros) {
    return base(target, location, startedAt, totalMicros).down(Reason.HTTP_STATUS).statusCode(503).build();
  }

  private static CheckResult.Builder base(String target, String location, Instant startedAt, long totalMicros) {
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
}
