package dev.webmon.notifier;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.Cidr;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** The HTTP side of channel tests: loopback allow-listed, short time-outs, a fixed clock. */
final class Http {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final AddressPolicy LOOPBACK =
      AddressPolicy.allowing(List.of(Cidr.parse("127.0.0.1/32"), Cidr.parse("::1/128")));

  private Http() {}

  static HttpDelivery delivery() {
    return new HttpDelivery(LOOPBACK, Duration.ofSeconds(2), Duration.ofSeconds(5), CLOCK);
  }

  static HttpDelivery delivery(Duration requestTimeout) {
    return new HttpDelivery(LOOPBACK, Duration.ofSeconds(2), requestTimeout, CLOCK);
  }

  /** Short templates, so contract tests can state the exact JSON. */
  static final MessageTemplate SHORT =
      new MessageTemplate(
          java.util.Optional.of("{{ incident.kind }} {{ target.name }}"),
          java.util.Optional.of("{{ incident.state }} {{ links.incident }}"));

  static Templates.Renderer renderer(ChannelType type) {
    return new Templates().renderer(type, Incidents.CHANNEL, SHORT);
  }
}
