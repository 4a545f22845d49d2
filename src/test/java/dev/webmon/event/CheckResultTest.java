package dev.webmon.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class CheckResultTest {
  private static CheckResult.Builder up() {
    return CheckResult.builder()
        .resultId(UUID.randomUUID())
        .target(Samples.target())
        .location("eu-west")
        .agentId("agent-1")
        .scheduledAt(Instant.parse("2026-01-01T00:00:00Z"))
        .startedAt(Instant.parse("2026-01-01T00:00:00.001Z"))
        .up(200);
  }

  private static void rejects(UnaryOperator<CheckResult.Builder> change, String field) {
    assertThatThrownBy(() -> change.apply(up()).build())
        .isInstanceOfSatisfying(
            InvalidEventException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void minimalResultsBuild() {
    CheckResult r = up().build();
    assertThat(r.outcome()).isEqualTo(Outcome.UP);
    assertThat(r.reason()).isEmpty();
    assertThat(r.timings()).isEqualTo(PhaseTimings.ZERO);
    CheckResult dns = up().down(Reason.DNS).build();
    assertThat(dns.reason()).contains(Reason.DNS);
  }

  @Test
  void reasonIsPresentIffDown() {
    assertThat(up().down(Reason.TIMEOUT).build().statusCode()).contains(200);
    assertThatThrownBy(
            () -> new CheckResult(
                UUID.randomUUID(), "t", 1, "l", "a", Samples.target().url(), Instant.EPOCH,
                Instant.EPOCH, Outcome.DOWN, java.util.Optional.empty(),
                java.util.Optional.empty(), PhaseTimings.ZERO, 0, java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), 0,
                java.util.Optional.empty(), java.util.Optional.empty(), false))
        .hasMessageStartingWith("reason: ");
    assertThatThrownBy(
            () -> new CheckResult(
                UUID.randomUUID(), "t", 1, "l", "a", Samples.target().url(), Instant.EPOCH,
                Instant.EPOCH, Outcome.UP, java.util.Optional.of(Reason.DNS),
                java.util.Optional.of(200), PhaseTimings.ZERO, 0, java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), 0,
                java.util.Optional.empty(), java.util.Optional.empty(), false))
        .hasMessageStartingWith("reason: ");
  }

  @Test
  void statusCodeRequiredWhenAResponseWasJudged() {
    CheckResult.Builder noStatus =
        CheckResult.builder().resultId(UUID.randomUUID()).target(Samples.target())
            .location("l").agentId("a").scheduledAt(Instant.EPOCH).startedAt(Instant.EPOCH);
    assertThatThrownBy(() -> noStatus.down(Reason.HTTP_STATUS).build())
        .hasMessageStartingWith("statusCode: ");
    assertThatThrownBy(() -> noStatus.down(Reason.PATTERN_MISSING).build())
        .hasMessageStartingWith("statusCode: ");
    assertThat(noStatus.down(Reason.CONNECT).build().statusCode()).isEmpty();
  }

  @Test
  void rejectsInvalidFields() {
    rejects(b -> b.resultId(null), "resultId");
    rejects(b -> b.targetId("a b"), "targetId");
    rejects(b -> b.targetVersion(0), "targetVersion");
    rejects(b -> b.location(""), "location");
    rejects(b -> b.agentId("agent 1"), "agentId");
    rejects(b -> b.scheduledAt(null), "scheduledAt");
    rejects(b -> b.startedAt(Instant.MAX), "startedAt");
    rejects(b -> b.statusCode(600), "statusCode");
    rejects(b -> b.statusCode(99), "statusCode");
    rejects(b -> b.bodyBytes(-1), "bodyBytes");
    rejects(b -> b.redirects(21), "redirects");
    rejects(b -> b.httpVersion("HTTP 1.1"), "httpVersion");
    rejects(b -> b.remoteAddress("10.0.0.1 "), "remoteAddress");
    rejects(b -> b.finalUrl(java.net.URI.create("file:///etc/passwd")), "finalUrl");
    assertThatThrownBy(() -> new PhaseTimings(0, 0, -1, 0, 0, 0))
        .hasMessageStartingWith("timings.tlsMicros: ");
  }

  @Test
  void detailIsTruncatedByTheBuilderNotRejected() {
    CheckResult r = up().detail("x".repeat(10_000)).build();
    assertThat(r.detail().orElseThrow()).hasSize(500).endsWith("\u2026");
    assertThat(up().detail("x".repeat(500)).build().detail().orElseThrow()).isEqualTo("x".repeat(500));
    assertThat(CheckResult.truncateDetail("x".repeat(501))).hasSize(500);
  }

  @Test
  void truncationNeverSplitsASurrogatePairAndRepairsLoneOnes() {
    String emoji = "\uD83D\uDE00";
    // The pair would straddle the cut: it is dropped whole.
    assertThat(CheckResult.truncateDetail("x".repeat(498) + emoji + "tail"))
        .isEqualTo("x".repeat(498) + "\u2026");
    // The pair fits: it is kept whole.
    assertThat(CheckResult.truncateDetail("x".repeat(497) + emoji + "tail"))
        .isEqualTo("x".repeat(497) + emoji + "\u2026");
    assertThat(CheckResult.truncateDetail("a\uD800b\uDC00")).isEqualTo("a\uFFFDb\uFFFD");
    assertThat(CheckResult.truncateDetail("ok " + emoji)).isEqualTo("ok " + emoji);
    assertThat(up().detail("bad \uD800").build().detail()).contains("bad \uFFFD");
  }
}
