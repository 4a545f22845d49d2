package dev.webmon.event;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
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

  static final Instant AT = Instant.parse("2026-03-01T12:00:00Z");

  /** Every policy field set (a valid merged set: the window rule on). */
  static PolicyFields allPolicyFields() {
    return new PolicyFields(Optional.of(3), Optional.of(4), Optional.of(Duration.ofMinutes(10)),
        Optional.of(2), Optional.of(1500L), Optional.of(2), Optional.of(21), Optional.of(5),
        Optional.of(Duration.ofMinutes(20)));
  }

  /** An ACKNOWLEDGED certificate incident: every optional field present. */
  static IncidentEvent fullIncident() {
    return new IncidentEvent(UUID.fromString("6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"), "shop-home",
        "Shop home page", 2, IncidentEvent.Kind.ACKNOWLEDGED, IncidentSeverity.CERTIFICATE,
        AT.plusSeconds(60), AT,
        List.of(new LocationStatus("eu-west", LocationStatus.State.DOWN,
            Optional.of(Reason.TLS), Optional.of(result().resultId()))),
        result().resultId(), 1, 1, "default",
        Optional.of(new IncidentEvent.Acknowledgement("admin", Optional.of("renewing"),
            AT.plusSeconds(59))),
        Optional.of(Instant.parse("2026-03-10T00:00:00Z")));
  }

  static IncidentCommand command() {
    return new IncidentCommand(UUID.fromString("3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a"),
        "shop-home", fullIncident().incidentId(), IncidentCommand.Type.ACKNOWLEDGE, "admin",
        Optional.of("on it"), AT);
  }
}
