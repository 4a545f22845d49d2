package dev.webmon.event;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** Fixed, fully populated events for example-based tests. */
final class Samples {
  private Samples() {}

  static TargetSpec target() {
    return TargetSpec.builder("shop-home", "https://shop.example.com/")
        .version(3)
        .name("Shop home page")
        .interval(Duration.ofSeconds(30))
        .mustMatch("Welcome")
        .mustNotMatch("(?i)maintenance")
        .expectedStatus("200,204")
        .method("GET")
        .header("Accept", "text/html")
        .timeout(Duration.ofSeconds(5))
        .maxRedirects(3)
        .tag("team:web")
        .updatedAt(Instant.parse("2026-03-01T12:00:00.123Z"))
        .build();
  }

  static CheckResult result() {
    return CheckResult.builder()
        .resultId(UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e"))
        .target(target())
        .location("eu-west")
        .agentId("agent-7.eu-west")
        .scheduledAt(Instant.parse("2026-03-01T12:00:30Z"))
        .startedAt(Instant.parse("2026-03-01T12:00:30.000412Z"))
        .down(Reason.HTTP_STATUS)
        .statusCode(503)
        .timings(new PhaseTimings(1200, 3400, 15000, 42000, 800, 62500))
        .bodyBytes(1234)
        .httpVersion("HTTP/1.1")
        .remoteAddress("192.0.2.10")
        .tlsExpiresAt(Instant.parse("2026-06-01T00:00:00Z"))
        .redirects(1)
        .finalUrl(URI.create("https://shop.example.com/home"))
        .detail("503 Service Unavailable")
        .build();
  }
}
